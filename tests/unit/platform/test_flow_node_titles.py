"""Every node of every flow has a Chinese title: the process pages list them, and a node without
one shows viewflow's English fallback ("After Home Visit", "Start")."""

import re

import pytest

from workflows.dispute.flow import DisputeFlow
from workflows.hardship.flow import HardshipFlow, ObjectionFlow

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("flow_class", [DisputeFlow, HardshipFlow, ObjectionFlow], ids=lambda f: f.__name__)
def test_every_node_has_a_chinese_title(flow_class):
    untitled = [node.name for node in flow_class.instance.nodes() if not CHINESE.search(str(node.task_title))]
    assert untitled == []
