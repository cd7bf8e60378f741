"""The public "You said, we did" board: no sign-in (under /public/<organisation_slug>/)."""

urlpatterns = []
