"""``/api/v2/processautomation/triggers``: create, read, list, replace and delete, and every refusal
naming its JSON path, on both stores."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.state.trigger_commands import TOPICS

TRIGGERS = "/api/v2/processautomation/triggers"
ACD_START = "v2.detail.events.conversation.{id}.acd.start"


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Callback Prioritization Trigger",
        "topicName": ACD_START,
        "enabled": True,
        "target": {"type": "Workflow", "id": "wf-1", "workflowTargetSettings": {"dataFormat": "Json"}},
        "matchCriteria": [{"jsonPath": "mediaType", "operator": "Equal", "value": "CALLBACK"}],
        "description": "Raise a callback's priority",
    }
    for key, value in changes.items():
        if value is _ABSENT:
            body.pop(key, None)
        else:
            body[key] = value
    return body


_ABSENT = object()


def _criterion(**fields: Any) -> dict[str, Any]:
    return {"matchCriteria": [{"jsonPath": "mediaType", **fields}]}


def test_a_trigger_is_created_read_listed_replaced_and_deleted(client: FlaskClient) -> None:
    made = client.post(TRIGGERS, json=_body(eventTTLSeconds=60)).json
    assert made is not None
    assert made["version"] == 1
    assert made["selfUri"] == f"{TRIGGERS}/{made['id']}"
    assert {k: v for k, v in made.items() if k not in ("id", "version", "selfUri")} == _body(
        eventTTLSeconds=60
    )
    assert client.get(f"{TRIGGERS}/{made['id']}").json == made

    other = client.post(TRIGGERS, json=_body(name="A delayed one", delayBySeconds=60, enabled=False)).json
    assert other is not None
    listing = client.get(TRIGGERS).json
    assert listing is not None
    assert [t["name"] for t in listing["entities"]] == ["A delayed one", "Callback Prioritization Trigger"]
    assert [t["id"] for t in client.get(f"{TRIGGERS}?hasDelayBy=true").json["entities"]] == [other["id"]]  # type: ignore[index]
    assert [t["id"] for t in client.get(f"{TRIGGERS}?enabled=true").json["entities"]] == [made["id"]]  # type: ignore[index]
    first = client.get(f"{TRIGGERS}?pageSize=1").json
    assert first is not None
    assert len(first["entities"]) == 1
    second = client.get(first["nextUri"]).json
    assert second is not None
    assert [t["id"] for t in second["entities"]] == [made["id"]]
    assert "nextUri" not in second

    replaced = client.put(f"{TRIGGERS}/{made['id']}", json={**_body(name="Renamed"), "version": 1}).json
    assert replaced is not None
    assert (replaced["name"], replaced["version"], replaced.get("eventTTLSeconds")) == ("Renamed", 2, None)

    assert client.delete(f"{TRIGGERS}/{made['id']}").status_code == 204
    assert client.get(f"{TRIGGERS}/{made['id']}").status_code == 404
    assert client.delete(f"{TRIGGERS}/{made['id']}").status_code == 404


def test_the_topics_are_the_conversation_detail_events_with_their_id_as_a_placeholder(
    client: FlaskClient,
) -> None:
    listing = client.get(f"{TRIGGERS}/topics?pageSize=200").json
    assert listing is not None
    assert listing["entities"] == list(TOPICS)
    assert ACD_START in listing["entities"]


BAD_BODIES = [
    pytest.param(_body(name=_ABSENT), "constraint.validation", "$.name", id="no name"),
    pytest.param(_body(name="  "), "constraint.validation", "$.name", id="a blank name"),
    pytest.param(_body(enabled="yes"), "invalid.value", "$.enabled", id="enabled not a boolean"),
    pytest.param(
        _body(topicName="v2.users.{id}.activity"), "invalid.value", "$.topicName", id="a topic not served"
    ),
    pytest.param(_body(target=_ABSENT), "constraint.validation", "$.target", id="no target"),
    pytest.param(
        _body(target={"type": "Flow", "id": "wf"}),
        "invalid.value",
        "$.target.type",
        id="a target not a workflow",
    ),
    pytest.param(
        _body(target={"type": "Workflow"}), "invalid.value", "$.target.id", id="a target without its id"
    ),
    pytest.param(
        _body(target={"type": "Workflow", "id": "wf", "workflowTargetSettings": {"dataFormat": "Xml"}}),
        "invalid.value",
        "$.target.workflowTargetSettings.dataFormat",
        id="an unknown data format",
    ),
    pytest.param(
        _body(eventTTLSeconds=9), "constraint.validation", "$.eventTTLSeconds", id="a TTL under 10 s"
    ),
    pytest.param(
        _body(delayBySeconds=59), "constraint.validation", "$.delayBySeconds", id="a delay under 60 s"
    ),
    pytest.param(
        _body(delayBySeconds=901), "constraint.validation", "$.delayBySeconds", id="a delay over 900 s"
    ),
    pytest.param(
        _body(eventTTLSeconds=60, delayBySeconds=60),
        "constraint.validation",
        "$.delayBySeconds",
        id="TTL and delay",
    ),
    pytest.param(
        _body(description="x" * 513), "constraint.validation", "$.description", id="a long description"
    ),
    pytest.param(
        _body(matchCriteria=[{"operator": "Equal", "value": 1}]),
        "constraint.validation",
        "$.matchCriteria[0].jsonPath",
        id="a criterion without a path",
    ),
    pytest.param(
        _body(
            **_criterion(operator="Equal", value=1)
            | {"matchCriteria": [{"jsonPath": "$[", "operator": "Equal", "value": 1}]}
        ),
        "constraint.validation",
        "$.matchCriteria[0].jsonPath",
        id="a path that does not parse",
    ),
    pytest.param(
        _body(**_criterion(operator="Matches", value=1)),
        "invalid.value",
        "$.matchCriteria[0].operator",
        id="an unknown operator",
    ),
    pytest.param(
        _body(**_criterion(value="CALLBACK")),
        "constraint.validation",
        "$.matchCriteria[0].operator",
        id="no operator",
    ),
    pytest.param(
        _body(**_criterion(operator="Equal", value="a", values=["a"])),
        "constraint.validation",
        "$.matchCriteria[0].values",
        id="value and values",
    ),
    pytest.param(
        _body(**_criterion(operator="In", value="a")),
        "constraint.validation",
        "$.matchCriteria[0].values",
        id="In without values",
    ),
    pytest.param(
        _body(**_criterion(operator="Equal")),
        "constraint.validation",
        "$.matchCriteria[0].value",
        id="Equal without a value",
    ),
    pytest.param(
        _body(**_criterion(operator="GreaterThan", value="10")),
        "constraint.validation",
        "$.matchCriteria[0].value",
        id="GreaterThan a string",
    ),
    pytest.param(
        _body(**_criterion(operator="Exists", value="yes")),
        "constraint.validation",
        "$.matchCriteria[0].value",
        id="Exists not a boolean",
    ),
    pytest.param(
        _body(**_criterion(operator="Size", value=-1)),
        "constraint.validation",
        "$.matchCriteria[0].value",
        id="a negative Size",
    ),
    pytest.param(_body(version=1), "invalid.property", "$.version", id="a version on create"),
]


@pytest.mark.parametrize(("body", "code", "path"), BAD_BODIES)
def test_a_bad_body_is_refused_naming_its_path(
    client: FlaskClient, body: dict[str, Any], code: str, path: str
) -> None:
    answer = client.post(TRIGGERS, json=body)
    assert answer.status_code == 400, answer.json
    error = answer.json
    assert error is not None
    assert (error["code"], error["details"][0]["fieldName"]) == (code, path)
    assert path in error["message"] or code != "constraint.validation"
    assert client.get(TRIGGERS).json == {"entities": [], "selfUri": f"{TRIGGERS}?pageSize=25"}  # nothing kept


@pytest.mark.parametrize(
    ("change", "status", "code", "path"),
    [
        pytest.param({"version": 2}, 409, "request.conflict", "$.version", id="a stale version"),
        pytest.param({"version": _ABSENT}, 400, "constraint.validation", "$.version", id="no version"),
        pytest.param(
            {"topicName": "v2.detail.events.conversation.{id}.acw"},
            400,
            "constraint.validation",
            "$.topicName",
            id="another topic",
        ),
        pytest.param(
            {"eventTTLSeconds": 5}, 400, "constraint.validation", "$.eventTTLSeconds", id="a short TTL"
        ),
    ],
)
def test_a_bad_replace_is_refused_and_changes_nothing(
    client: FlaskClient, change: dict[str, Any], status: int, code: str, path: str
) -> None:
    made = client.post(TRIGGERS, json=_body()).json
    assert made is not None
    answer = client.put(f"{TRIGGERS}/{made['id']}", json=_body(**{"version": 1, **change}))
    assert answer.status_code == status, answer.json
    error = answer.json
    assert error is not None
    assert (error["code"], error["details"][0]["fieldName"]) == (code, path)
    assert client.get(f"{TRIGGERS}/{made['id']}").json == made


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("enabled=yes", "enabled"),
        ("pageSize=201", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("after=x", "after"),
    ],
)
def test_a_bad_query_is_refused_naming_its_parameter(client: FlaskClient, query: str, parameter: str) -> None:
    answer = client.get(f"{TRIGGERS}?{query}")
    assert answer.status_code == 400
    assert answer.json is not None
    assert (answer.json["code"], answer.json["details"][0]["fieldName"]) == (
        "invalid.query.param.value",
        parameter,
    )


def test_an_unknown_trigger_is_404_on_every_route(client: FlaskClient) -> None:
    missing = f"{TRIGGERS}/no-such-trigger"
    assert client.get(missing).status_code == 404
    assert client.put(missing, json=_body(version=1)).status_code == 404
    assert client.delete(missing).status_code == 404
