"""The app's settings (QSettings, always an INI file: tests redirect it with ``setPath``).

A module of its own so that any part of the window may read them without importing the
module that builds the window (:mod:`annotator.gui.app`).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "article-annotator"
APPLICATION = "annotator"


def settings() -> QSettings:
    """The app's settings, always an INI file: tests redirect it with ``QSettings.setPath``."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )
