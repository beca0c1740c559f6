"""Unit tests of the environment helpers that need no server: python3 -m unittest discover clients/python/tests"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

from rods_client import calls_from_messages  # noqa: E402
from trainer_driven import parse_call  # noqa: E402


class CallsFromMessages(unittest.TestCase):
    def test_splits_calls_by_user_turn(self):
        messages = [
            {"role": "user", "content": "go to documents"},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "a", "type": "function", "function": {"name": "cd", "arguments": "{\"folder\": \"documents\"}"}}]},
            {"role": "tool", "tool_call_id": "a", "content": "{}"},
            {"role": "assistant", "content": "done"},
            {"role": "user", "content": "and list it"},
            {"role": "assistant", "content": "I cannot"},
        ]
        self.assertEqual(calls_from_messages(messages), [[{"name": "cd", "arguments": "{\"folder\": \"documents\"}"}], []])


class ParseCall(unittest.TestCase):
    def test_names_positional_arguments_from_the_schema(self):
        self.assertEqual(parse_call("sort('final_report.pdf')", {"sort": ["file_name"]}), {"name": "sort", "arguments": {"file_name": "final_report.pdf"}})
        self.assertEqual(parse_call("mv(source='a', destination=\"b\")", {}), {"name": "mv", "arguments": {"source": "a", "destination": "b"}})

    def test_refuses_what_is_not_a_call(self):
        with self.assertRaises(ValueError):
            parse_call("1 + 2", {})


if __name__ == "__main__":
    unittest.main()
