"""The tabs of the restoration page's job editor, one widget per archive section.

Each tab shows its part of a loaded :class:`~restoration.views.JobArchive` (``show_archive``) and
says what the user asked for with a signal carrying plain input (``save_requested(PlanInput)``,
``accept_requested(quality, comments)``, …). The tabs never touch the database or their page: the
page (:mod:`guji.gui.restoration.page`) connects the signals to the service calls it runs.
"""

from guji.gui.restoration.tabs.acceptance import AcceptanceTab
from guji.gui.restoration.tabs.condition import ConditionTab
from guji.gui.restoration.tabs.dyeing import DyeingTab
from guji.gui.restoration.tabs.materials import MaterialsTab
from guji.gui.restoration.tabs.overview import OverviewTab
from guji.gui.restoration.tabs.ph import PhTab
from guji.gui.restoration.tabs.plan import PlanTab
from guji.gui.restoration.tabs.sessions import SessionsTab

__all__ = ["AcceptanceTab", "ConditionTab", "DyeingTab", "MaterialsTab", "OverviewTab", "PhTab", "PlanTab",
           "SessionsTab"]
