def test_cli_start_choices_are_the_service_start_labels() -> None:
    """The CLI names the start choices without importing the service; they must stay equal."""
    from plan_builder.training import START_LABELS
    from plan_builder.training.cli_commands import STARTS

    assert set(STARTS) == set(START_LABELS)
