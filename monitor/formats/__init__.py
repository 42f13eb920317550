"""Alert formats: a registry of renderers, one module each (json, slack, discord, email, apprise).

A new format is one module defining an `AlertFormat` subclass and registering it, plus its
import below; a duplicate name fails at import.
"""

from . import apprise, discord, email, json, slack
from .base import FORMATS, AlertFormat, register

__all__ = ["FORMATS", "AlertFormat", "apprise", "discord", "email", "json", "register", "slack"]
