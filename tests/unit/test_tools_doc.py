"""docs/tools.md is what the server declares: every tool, resource, template and prompt, with a recorded example.

Fast (servers built in-process, no Redis, no subprocess). When it fails, the message names the tool and
the command to run: ``.venv/bin/python -m mcp_front.docgen`` regenerates the page,
``.venv/bin/python -m mcp_front.docgen --record --only NAME`` records a new or changed example.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from typing import Any

import jsonschema
import pytest

from mcp_front.docgen import DOC_PATH, GENERATE, RECORD, examples, store
from mcp_front.docgen.__main__ import generate
from mcp_front.docgen.declarations import Declarations, load

ADD_EXAMPLE = "add it to mcp_front/docgen/examples.py"


@pytest.fixture(scope="module")
def declared() -> Declarations:
    return load()


@pytest.fixture(scope="module")
def recorded() -> store.Recorded:
    return store.load()


def _first_difference(current: str, expected: str) -> str:
    diff = difflib.unified_diff(
        current.splitlines(), expected.splitlines(), "docs/tools.md", "generated", lineterm="", n=1
    )
    return "\n".join(list(diff)[:30])


def test_docs_tools_md_is_generated_from_the_declarations(declared):
    expected = generate(declared)
    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
    if current != expected:
        pytest.fail(f"docs/tools.md is out of date: run `{GENERATE}`\n{_first_difference(current, expected)}")


def test_a_changed_description_makes_the_page_differ(declared):
    tool = declared.tools[0]
    changed = tool.model_copy(update={"description": (tool.description or "") + " Changed."})
    altered = dataclasses.replace(declared, tools=[changed, *declared.tools[1:]])
    assert generate(altered) != generate(declared)


def _missing(names: list[str], what: str, known: dict[str, Any], recorded: dict[str, Any]) -> list[str]:
    problems = []
    for name in names:
        if name not in known:
            problems.append(f"{what} {name} has no example: {ADD_EXAMPLE}, then run `{RECORD} {name}` and `{GENERATE}`")
        elif name not in recorded:
            problems.append(f"{what} {name} has no recorded answer: run `{RECORD} {name}` and `{GENERATE}`")
    return problems


def test_every_tool_has_an_example_and_a_recorded_answer(declared, recorded):
    problems = _missing([t.name for t in declared.tools], "tool", examples.TOOLS, recorded["tools"])
    assert not problems, "\n".join(problems)


def test_every_resource_and_prompt_has_an_example_and_a_recorded_answer(declared, recorded):
    keys = [*(str(r.uri) for r in declared.resources), *(t.uri_template for t in declared.templates)]
    problems = _missing(keys, "resource", examples.RESOURCES, recorded["resources"])
    problems += [
        f"prompt {p.name} has no example: {ADD_EXAMPLE} (PROMPTS), then run `{GENERATE}`"
        for p in declared.prompts
        if p.name not in examples.PROMPTS
    ]
    assert not problems, "\n".join(problems)


def test_the_recorded_answers_are_for_the_current_examples(recorded):
    stale = [
        name
        for name, entry in recorded["tools"].items()
        if name in examples.TOOLS and entry["arguments"] != examples.TOOLS[name]
    ]
    stale += [
        key
        for key, entry in recorded["resources"].items()
        if key in examples.RESOURCES and entry["uri"] != examples.RESOURCES[key]
    ]
    assert not stale, f"examples changed since they were recorded: run `{RECORD} {','.join(stale)}` and `{GENERATE}`"


def test_every_example_is_for_something_declared(declared):
    tools = {t.name for t in declared.tools}
    unknown = [name for name in examples.TOOLS if name not in tools]
    unknown += [step.tool for steps in examples.STEPS.values() for step in steps if step.tool not in tools]
    unknown += [name for name in examples.STEPS if name not in examples.TOOLS]
    unknown += [name for name in examples.PROMPTS if name not in {p.name for p in declared.prompts}]
    unknown += [
        key
        for key in examples.RESOURCES
        if key not in {str(r.uri) for r in declared.resources} | {t.uri_template for t in declared.templates}
    ]
    assert not unknown, f"examples for nothing the server declares (remove them): {sorted(set(unknown))}"


def test_every_example_validates_against_its_tools_input_schema(declared):
    schemas = {t.name: t.input_schema for t in declared.tools}
    calls = [(name, args) for name, args in examples.TOOLS.items() if name in schemas]
    calls += [
        (step.tool, step.arguments) for steps in examples.STEPS.values() for step in steps if step.tool in schemas
    ]
    problems = []
    for name, args in calls:
        validator = jsonschema.validators.validator_for(schemas[name])(schemas[name])
        problems += [f"{name} {args}: {error.message}" for error in validator.iter_errors(args)]
    assert not problems, "examples the tools would refuse:\n" + "\n".join(problems)


def test_steps_keep_only_arguments_their_example_shows():
    wrong = [
        (name, argument)
        for name, steps in examples.STEPS.items()
        for step in steps
        for argument in step.keep
        if argument not in examples.TOOLS.get(name, {})
    ]
    assert not wrong, f"steps keep values for arguments the example does not have: {wrong}"


def test_prompt_and_resource_examples_fit_their_declarations(declared):
    problems = []
    for prompt in declared.prompts:
        args = examples.PROMPTS.get(prompt.name, {})
        declared_args = {a.name: a for a in prompt.arguments or []}
        problems += [f"prompt {prompt.name}: unknown argument {a}" for a in args if a not in declared_args]
        problems += [
            f"prompt {prompt.name}: missing {a.name}"
            for a in declared_args.values()
            if a.required and a.name not in args
        ]
    for template in declared.templates:
        uri = examples.RESOURCES.get(template.uri_template)
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template.uri_template)) + "$"
        if uri is not None and not re.match(pattern, uri):
            problems.append(f"resource {template.uri_template}: example {uri} does not fit it")
    assert not problems, "\n".join(problems)
