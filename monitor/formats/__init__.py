"""Alert formats: a registry of renderers, one module each (json, slack, discord).

A new format is one module defining an `AlertFormat` subclass and registering it, plus its
import below; a duplicate name fails at import.
"""

from . import discord, json, slack
from .base import FORMATS, AlertFormat, register

__all__ = ["FORMATS", "AlertFormat", "discord", "json", "register", "slack"]
