"""Kefu (客服): customer service management system."""

__version__ = "0.1.0"
