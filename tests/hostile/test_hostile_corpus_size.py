"""The corpus stays at least 40 distinct hostile inputs."""

from hostile_cases import (
    ANSWER_CASES,
    FILENAME_CASES,
    JSON_CASES,
    TEMPLATE_CASES,
    UPLOAD_CASES,
    corpus_size,
)


def test_corpus_has_at_least_40_cases() -> None:
    ids = [c.id for c in JSON_CASES] + [c.id for c in UPLOAD_CASES]
    assert len(set(ids)) == len(ids)
    assert len({n for n, _ in FILENAME_CASES}) == len(FILENAME_CASES)
    assert corpus_size() >= 40, corpus_size()
    assert (
        min(len(JSON_CASES), len(UPLOAD_CASES), len(FILENAME_CASES), len(ANSWER_CASES), len(TEMPLATE_CASES))
        >= 5
    )
