"""The restoration archive's user actions (``app.restoration``).

Every method is one user action: it checks the actor's role and institution,
writes in one short transaction, appends audit rows in the same transaction and
returns plain data (:mod:`restoration.views`). Domain rules come from the pure
modules: state changes through :func:`restoration.workflow.check_transition`,
pH validation and statistics from :mod:`restoration.ph`, damage grades from
:mod:`restoration.grading`, colour differences from :mod:`restoration.colour`,
recipe ranking from :mod:`restoration.recipes`.

Role rules (besides the workflow's own):

* only restorers record assessments, confirm the damage grade, write the plan,
  record pH sets, recipes, trials and sessions; when a job has assigned
  restorers, only they may;
* only reviewers (of the job's institution, or of the provincial centre; the
  job's named reviewer when one is set) approve plans, send back, accept and reopen;
* jobs, materials and recipes are scoped by institution as census records are:
  a unit sees its own, the centre sees all; only the unit's own staff write;
* a closed (accepted) job is locked: nothing can be written to it until a
  reviewer reopens it, which is audited with the reason.

Photographs are stored images: the file goes into the content-addressed image
store through ``app.images`` (whose validation refuses empty, corrupt, hostile or
over-large files), is attached to the job there (``job_image``) and recorded here
(``restoration_photo``, naming the image by its SHA-256), all in one transaction;
assessments and sessions may only cite images the store holds.

The service is composed of one class per capability (:mod:`restoration.services`): jobs,
assessment and damage grade, treatment (plans, sessions), materials and stock, pH, dyeing,
photographs, and acceptance with the whole archive. They share :class:`RestorationBase`
(context, parsing, loading a visible job for update with the stale-version check, the role
checks, state changes, settings); a capability that builds on another inherits from it.
"""

from __future__ import annotations

from restoration.services.archive import ArchiveService
from restoration.services.assessment import AssessmentService
from restoration.services.base import RestorationBase
from restoration.services.dyeing import DyeingService
from restoration.services.jobs import JobService
from restoration.services.materials import MaterialService
from restoration.services.ph_sets import PhService
from restoration.services.photos import PhotoService
from restoration.services.treatment import TreatmentService

__all__ = ["RestorationBase", "RestorationService"]


class RestorationService(JobService, ArchiveService, AssessmentService, TreatmentService, PhService,
                         DyeingService, MaterialService, PhotoService):
    """``app.restoration``: jobs, assessments, plans, pH, dyeing, materials, sessions, acceptance.

    Made as ``RestorationService(ctx, vocab=None, profile=None, images=None)``
    (:class:`RestorationBase`); every public method is one user action of one capability class:

    * :class:`RestorationBase`: ``label``, ``settings``, ``set_setting``;
    * :class:`JobService`: ``open_job``, ``assign``, ``get_job``, ``find_job``, ``list_jobs``,
      ``send_back``, ``close``, ``history``;
    * :class:`AssessmentService`: ``record_assessment``, ``assessments``, ``suggest_damage_grade``,
      ``confirm_damage_grade``;
    * :class:`TreatmentService`: ``save_plan``, ``plan``, ``submit_plan``, ``approve_plan``,
      ``start_treatment``, ``record_session``, ``sessions``, ``job_totals``, ``progress``,
      ``restorer_month_totals``;
    * :class:`MaterialService`: ``add_material``, ``adjust_stock``, ``materials``, ``low_stock``;
    * :class:`PhService`: ``record_ph_set``, ``ph_sets``, ``ph_comparison``;
    * :class:`DyeingService`: ``add_recipe``, ``recipes``, ``record_trial``, ``set_trial_accepted``,
      ``rank_recipes_for``;
    * :class:`PhotoService`: ``add_photo_file``, ``add_photo``, ``photos``;
    * :class:`ArchiveService`: ``submit_for_acceptance``, ``accept``, ``reopen``, ``archive``.
    """
