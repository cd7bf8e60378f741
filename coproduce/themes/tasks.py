"""Background work for themes: suggestions for new comments, and training models (seconds of CPU that
a request must never wait for)."""

from django.tasks import task


@task()
def suggest_comments(*, organisation_id: int, comment_ids: list[int] | None = None) -> int:
    """Suggest themes and a sentiment for comments still waiting (or the ones given)."""
    from coproduce.core.models import Organisation

    from .services import comments_suggest

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return comments_suggest(organisation=organisation, comment_ids=comment_ids)


@task()
def sync_comments(*, organisation_id: int, actor_id: int | None = None) -> int:
    """Add written answers that have no comment yet to the review queue (a backlog can be thousands)."""
    from coproduce.core.models import Organisation, User

    from .services import comments_sync

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return comments_sync(organisation=organisation, actor=actor)


@task()
def retrain_organisation(*, organisation_id: int, confirmed_at: str | None = None) -> bool:
    """Retrain an organisation's model from its confirmed labels. Several confirmations in a row queue
    several runs: a run whose confirmation has a later one skips (that one's run follows), unless the
    model is getting old."""
    from datetime import datetime

    from coproduce.core.models import Organisation

    from .services import organisation_train, retrain_due

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return False
    moment = datetime.fromisoformat(confirmed_at) if confirmed_at else None
    if not retrain_due(organisation=organisation, confirmed_at=moment):
        return False
    return organisation_train(organisation=organisation) is not None


@task()
def train_starter() -> bool:
    from .services import starter_classifier

    return starter_classifier() is not None
