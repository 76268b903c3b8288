from __future__ import annotations

import copy
import logging
import pickle
import warnings
from typing import Any, Literal, Union

import pydantic
import pytest
from pydantic import Field

from generator.runtime import NOT_GIVEN, BaseModel, Lenient, NotGiven
from generator.runtime._models import SchemaMismatch, construct_type, get_adapter, validate_json


def test_not_given_is_a_falsy_singleton() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN
    assert copy.copy(NOT_GIVEN) is NOT_GIVEN
    assert copy.deepcopy({"a": NOT_GIVEN})["a"] is NOT_GIVEN
    assert NOT_GIVEN is not None


class Status(BaseModel):
    state: Lenient[Literal["active", "disabled"]]
    level: Lenient[Literal[1, 2]] | None = None


class Named(BaseModel):
    model_from: str | None = Field(default=None, alias="from")
    model_name: str | None = None  # no protected-namespace warning for model_*


def test_lenient_accepts_known_and_unknown_values() -> None:
    assert Status.model_validate({"state": "active"}).state == "active"
    s = Status.model_validate_json(b'{"state": "archived", "level": 7}')
    assert s.state == "archived"
    assert s.level == 7


def test_lenient_dump_emits_no_warnings() -> None:
    s = Status.model_validate({"state": "brand-new", "level": 99})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert s.model_dump() == {"state": "brand-new", "level": 99}
        assert s.model_dump_json() == '{"state":"brand-new","level":99}'
        assert s.model_dump(mode="json") == {"state": "brand-new", "level": 99}
    assert caught == []


def test_lenient_still_rejects_other_types() -> None:
    with pytest.raises(pydantic.ValidationError):
        Status.model_validate({"state": {"nested": True}})


def test_unknown_fields_are_kept_and_missing_optionals_are_none() -> None:
    n = Named.model_validate_json(b'{"from": "x", "brand_new": [1, 2]}')
    assert n.model_from == "x"
    assert n.model_name is None
    assert n.model_extra == {"brand_new": [1, 2]}
    assert n.model_dump() == {"from": "x", "model_name": None, "brand_new": [1, 2]}


def test_population_by_name_and_alias() -> None:
    assert Named(model_from="a").model_from == "a"
    assert Named.model_validate({"from": "b"}).model_from == "b"


def test_model_config() -> None:
    config = BaseModel.model_config
    assert config["extra"] == "allow"
    assert config["defer_build"] is True
    assert config["protected_namespaces"] == ()
    assert config["validate_by_name"] is True


def test_adapters_are_cached_per_type() -> None:
    assert get_adapter(list[int]) is get_adapter(list[int])


class Inner(BaseModel):
    value: int
    label: str | None = None


class Outer(BaseModel):
    id: str
    inner: Inner
    items: list[Inner] = Field(default_factory=list)
    by_key: dict[str, Inner] = Field(default_factory=dict)
    either: Union[Inner, str, None] = None  # noqa: UP007


def test_construct_type_builds_mismatching_data_without_failing() -> None:
    data = {
        "id": 12,  # wrong type: kept as is
        "inner": {"value": "not-a-number", "label": "x", "extra": True},
        "items": [{"value": 1}, {"value": "bad"}],
        "by_key": {"a": {"value": 2}},
        "either": {"value": "bad"},
        "unknown": "kept",
    }
    built = construct_type(Outer, data)
    assert isinstance(built, Outer)
    assert built.id == 12
    assert isinstance(built.inner, Inner)
    assert built.inner.value == "not-a-number"
    assert built.inner.model_extra == {"extra": True}
    assert [type(i) for i in built.items] == [Inner, Inner]
    assert built.items[0].value == 1
    assert isinstance(built.by_key["a"], Inner)
    assert isinstance(built.either, Inner)
    assert built.model_extra == {"unknown": "kept"}


def test_construct_type_fills_missing_required_fields_with_none() -> None:
    built = construct_type(Inner, {"label": "x"})
    assert built.value is None
    assert built.label == "x"


def test_validate_json_lenient_falls_back_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.lenient")
    label = "validate_json_test_op"
    with caplog.at_level(logging.DEBUG, logger="test.lenient"):
        for _ in range(3):
            out = validate_json(
                Inner, Inner, b'{"value": "x"}', strict=False, logger=logger, label=label
            )
    assert isinstance(out, Inner)
    assert out.value == "x"
    levels = [r.levelno for r in caplog.records if r.getMessage().startswith(label)]
    assert levels == [logging.WARNING, logging.DEBUG, logging.DEBUG]  # warned once per operation


def test_validate_json_strict_raises_schema_mismatch() -> None:
    with pytest.raises(SchemaMismatch) as info:
        validate_json(Inner, Inner, b'{"value": "x"}', strict=True)
    assert info.value.data == {"value": "x"}


def test_validate_json_malformed_always_raises() -> None:
    with pytest.raises(pydantic.ValidationError):
        validate_json(Inner, Inner, b'{"value": ', strict=False)


def test_validate_json_non_model_types() -> None:
    assert validate_json(list[int], None, b"[1, 2]", strict=False) == [1, 2]
    assert validate_json(list[int], None, b'[1, "x"]', strict=False) == [1, "x"]
    assert validate_json(dict[str, Any], None, b'{"a": 1}', strict=True) == {"a": 1}


def test_not_given_pickles_to_the_singleton() -> None:
    import generator.runtime._types as types_module

    assert pickle.loads(pickle.dumps(types_module.NOT_GIVEN)) is NOT_GIVEN
