"""Every placebo answer is what AWS sends: held against botocore's service model."""

import os

import pytest

from support.constants import DATA_DIR
from support.shapes import flight_data_errors, shape_errors

FOLDERS = sorted(os.listdir(DATA_DIR))


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_success_answer_is_shaped_on_botocores_model(folder):
    assert flight_data_errors(os.path.join(DATA_DIR, folder)) == []


def test_the_shape_check_names_unknown_keys_wrong_types_and_enums():
    import botocore.session

    model = botocore.session.get_session().get_service_model("ec2")
    output = model.operation_model("DescribeFlowLogs").output_shape
    flow_log = {
        "FlowLogId": "fl-1",
        "TrafficType": "SOME",
        "MaxAggregationInterval": "600",
        "Colour": "blue",
    }
    assert sorted(shape_errors(output, {"FlowLogs": [flow_log]}, "answer")) == [
        "answer.FlowLogs[0].Colour: unknown",
        "answer.FlowLogs[0].MaxAggregationInterval: '600'",
        "answer.FlowLogs[0].TrafficType: 'SOME'",
    ]
