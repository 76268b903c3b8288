"""`tagged_by`: discriminated unions whose options need not type the tag as a Literal."""

from __future__ import annotations

from typing import Annotated

import pydantic
import pytest
from pydantic import Tag

from generator.runtime import BaseModel, tagged_by


class Cat(BaseModel):
    pet_type: str
    meows: bool | None = None


class Dog(BaseModel):
    pet_type: str
    barks: bool | None = None


Pet = Annotated[
    Annotated[Cat, Tag("Cat")] | Annotated[Dog, Tag("Dog")],
    tagged_by("pet_type", {"Cat": "Cat", "kitty": "Cat", "Dog": "Dog"}),
]
ADAPTER: pydantic.TypeAdapter[Cat | Dog] = pydantic.TypeAdapter(Pet)


def test_explicit_and_implicit_tags_pick_the_model() -> None:
    assert isinstance(ADAPTER.validate_python({"pet_type": "kitty", "meows": True}), Cat)
    assert isinstance(ADAPTER.validate_python({"pet_type": "Cat"}), Cat)
    dog = ADAPTER.validate_json(b'{"pet_type": "Dog", "barks": true, "extra": 1}')
    assert isinstance(dog, Dog)
    assert dog.model_extra == {"extra": 1}


def test_a_model_instance_serialises_by_its_class() -> None:
    assert ADAPTER.dump_python(Dog(pet_type="Dog", barks=False), exclude_unset=True) == {
        "pet_type": "Dog",
        "barks": False,
    }


def test_unknown_tag_is_a_validation_error() -> None:
    with pytest.raises(pydantic.ValidationError):
        ADAPTER.validate_python({"pet_type": "parrot"})
