"""The cockpit's intake panel shows a baby's age as under 1 year, not as unknown."""

from __future__ import annotations

import pytest

from assistant.web.pages import templates


@pytest.mark.parametrize(
    ("age", "shown"),
    [(0, "under 1 year, female"), (7, "7, female"), (None, "?, female")],
)
def test_age_is_shown_for_a_baby(age: int | None, shown: str) -> None:
    html = templates.env.get_template("cockpit/_intake.html").render(intake={"age": age, "sex": "female"})
    assert f"<dd>{shown}</dd>" in html
