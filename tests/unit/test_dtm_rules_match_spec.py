"""Every DTM rule the mock restates as a constant is the rule ``spec/dtm.yaml`` states.

The mock checks these rules itself (its 422 messages name the field and the limit), so the
numbers and lists live in ``mockserver/dtm/``; this module reads each one back from the spec
and fails when the two drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.dtm import csv_import, instances, language, models, registry, rollups, values

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "spec" / "dtm.yaml").read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


def schema(pointer: str) -> Any:
    """The node at a '/'-separated path below components/schemas."""
    node: Any = SCHEMAS
    for part in pointer.split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize("pointer", ["AssetProperty/properties/key", "SmartFunction/properties/name"])
def test_the_key_pattern_is_the_specs(pointer: str) -> None:
    assert schema(pointer)["pattern"] == values.KEY_PATTERN.pattern


@pytest.mark.parametrize(
    "schema_name",
    ["AssetModel", "AssetModelCreate", "AssetModelUpdate", "AssetInstance", "AssetInstanceCreate"],
)
def test_the_name_length_is_the_specs(schema_name: str) -> None:
    name = schema(f"{schema_name}/properties/name")
    assert (name["minLength"], name["maxLength"]) == (1, values.MAX_NAME_LENGTH)


def test_the_property_types_are_the_specs_in_its_order() -> None:
    assert tuple(schema("AssetProperty/properties/type/enum")) == values.PROPERTY_TYPES


def test_the_text_limit_is_the_one_the_instance_properties_state() -> None:
    text = schema("AssetInstance/properties/properties/description")
    assert f"TEXT: a string of at most {values.MAX_TEXT_LENGTH:,} characters" in text


def test_the_widget_rules_are_the_specs() -> None:
    widget = schema("AssetPropertyWidget")
    fields = widget["properties"]
    assert set(fields) == values.WIDGET_FIELDS
    assert tuple(fields["kind"]["enum"]) == values.WIDGET_KINDS
    assert {name: fields[name]["maxLength"] for name, _ in values.WIDGET_TEXT_LIMITS} == dict(
        values.WIDGET_TEXT_LIMITS
    )
    decimals = fields["decimals"]
    assert range(decimals["minimum"], decimals["maximum"] + 1) == values.WIDGET_DECIMALS
    assert fields["color"]["pattern"] == values.WIDGET_COLOR.pattern


def test_the_declared_fields_are_the_specs() -> None:
    assert set(models.MODEL_FIELDS) | {"self"} == set(schema("AssetModel/properties"))
    assert set(models.PROPERTY_FIELDS) == set(schema("AssetProperty/properties"))
    instance = schema("AssetInstance/properties")
    assert set(instances.INSTANCE_FIELDS) | set(instances.READ_ONLY_FIELDS) == set(instance)
    assert set(instances.READ_ONLY_FIELDS) == {k for k, v in instance.items() if v.get("readOnly")}


def test_the_inheritance_depth_is_the_one_extends_states() -> None:
    text = schema("AssetModel/properties/extends/description")
    assert f"at most {registry.MAX_ANCESTORS} steps" in " ".join(text.split())


def test_the_expression_limits_are_the_specs() -> None:
    assert schema("SmartFunction/properties/expression/maxLength") == language.MAX_SOURCE_LENGTH
    overview = " ".join(SPEC["info"]["description"].split())
    assert f"a source longer than {language.MAX_SOURCE_LENGTH} characters" in overview
    assert f"nesting deeper than {language.MAX_NESTING}" in overview
    assert f"more than {language.MAX_NODES} nodes" in overview
    assert f"exceeds {language.MAX_EXPONENT}" in overview
    assert f"budget of {language.STEP_BUDGET:,} evaluation steps" in overview


def test_the_work_limits_of_one_read_are_the_specs() -> None:
    overview = " ".join(SPEC["info"]["description"].split())
    assert f"shared budget of {language.READ_STEP_BUDGET:,} evaluation steps" in overview
    assert f"at most {rollups.MAX_ROLLUP_READS} distinct roll-up series" in overview
    assert f"declares at most {models.MAX_SMART_FUNCTIONS} smart functions" in overview
    described = schema("AssetModel/properties/smartFunctions/description")
    assert described.startswith(f"At most {models.MAX_SMART_FUNCTIONS} ")


def test_the_csv_row_limit_is_the_one_the_import_states() -> None:
    operation = SPEC["paths"]["/service/dtm/asset-imports"]["post"]
    assert f"at most {csv_import.MAX_ROWS:,} data rows" in " ".join(operation["description"].split())
