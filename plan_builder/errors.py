"""Errors that carry a Japanese message meant for the user, naming the field at fault."""


class PlanBuilderError(Exception):
    """Base error; `str(err)` is a Japanese message that can be shown to a user as is."""


class NotFoundError(PlanBuilderError):
    """The thing asked for does not exist (or the actor may not know that it does)."""


class StaleVersionError(PlanBuilderError):
    """A write was based on an older version of the plan than the one stored."""

    def __init__(self, plan_id: int, expected: int, actual: int) -> None:
        self.plan_id, self.expected, self.actual = plan_id, expected, actual
        super().__init__(
            f"計画（ID {plan_id}）は別の画面または利用者によって更新されています"
            f"（編集元の版 {expected}、最新の版 {actual}）。最新の内容を読み込み直してください。"
        )


class PermissionDeniedError(PlanBuilderError):
    """The acting user may not do this."""


class InvalidTransitionError(PlanBuilderError):
    """A review status change that the workflow does not allow."""
