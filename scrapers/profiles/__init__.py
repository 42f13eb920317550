"""Extraction profiles for Korean news CMS families, one module each, registered on import."""

from . import chosun, donga, hani, naver, ndsoft  # noqa: F401  (each registers itself)
from .base import REGISTRY, Profile, detect_profile, register

__all__ = ["REGISTRY", "Profile", "detect_profile", "register"]
