"""Every registered workflow, walked: each declared transition from each of its source states
moves the row and writes one event row naming it; every other (state, transition) pair is refused
as an illegal transition and changes nothing.

Permissions and guards are each app's own tests; here every transition is taken as a job with its
guards lifted, so that the table itself is what is tested. A workflow registered later is walked
as soon as its app gives an example row (`<app>/tests/workflow_examples.py`, `workflow_example`).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.utils.module_loading import autodiscover_modules

from usefirst.core import workflow
from usefirst.core.errors import IllegalTransition
from usefirst.core.testing import WORKFLOW_EXAMPLES

autodiscover_modules("tests.workflow_examples")

WORKFLOWS = workflow.registered()


def test_every_registered_workflow_has_an_example_row():
    missing = [wf.name for wf in WORKFLOWS if wf.name not in WORKFLOW_EXAMPLES]
    assert missing == [], "register an example with usefirst.core.testing.workflow_example in <app>/tests/workflow_examples.py"
    print(f"\n{len(WORKFLOWS)} workflows: {', '.join(wf.name for wf in WORKFLOWS)}")


@pytest.mark.parametrize("declared", WORKFLOWS, ids=lambda wf: wf.name)
def test_every_declared_transition_moves_and_every_other_is_refused(declared, db):
    wf = replace(declared, transitions=tuple(replace(t, permission=workflow.SYSTEM, guards=()) for t in declared.transitions))
    obj = WORKFLOW_EXAMPLES[wf.name]()
    rows = wf.model._default_manager.filter(pk=obj.pk)
    events = wf.event_model._default_manager
    walked = refused = 0
    for state in wf.states.values:
        for step in wf.transitions:
            rows.update(**{wf.status_field: state})
            obj.refresh_from_db()
            before = events.count()
            if state in step.sources:
                event = workflow.transition(wf, obj, step.name, actor=None)
                assert (event.event_type, event.from_status, event.to_status) == (step.name, state, step.target)
                assert events.count() == before + 1
                assert wf.status_of(rows.get()) == step.target
                walked += 1
            else:
                with pytest.raises(IllegalTransition) as exc:
                    workflow.transition(wf, obj, step.name, actor=None)
                assert exc.value.code == "illegal_transition", (state, step.name)
                assert events.count() == before
                assert wf.status_of(rows.get()) == state
                refused += 1
    declared_pairs = sum(len(step.sources) for step in wf.transitions)
    print(f"\n{wf.name}: {walked} declared moves walked, {refused} undeclared refused")
    assert walked == declared_pairs
    assert refused == len(wf.states.values) * len(wf.transitions) - declared_pairs
