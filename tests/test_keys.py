"""Keyed pseudonyms: exactly HMAC-SHA256 of namespace NUL value, for any secret and value."""

import hmac
import pickle

from hypothesis import given
from hypothesis import strategies as st

from optout.keys import Pseudonymizer


def reference(secret: bytes, namespace: str, value: str) -> str:
    return hmac.digest(secret, namespace.encode() + b"\0" + value.encode(), "sha256").hex()


@given(
    secret=st.binary(min_size=1, max_size=200),
    namespace=st.sampled_from(["author", "email", "content", "name", "surrogate-person"]),
    value=st.text(max_size=80),
)
def test_key_is_hmac_sha256_of_namespace_and_value(secret: bytes, namespace: str, value: str):
    assert Pseudonymizer(secret).key(namespace, value) == reference(secret, namespace, value)


def test_repeated_keys_in_one_namespace_do_not_disturb_each_other():
    pseudonymizer = Pseudonymizer(b"k" * 100)  # longer than SHA-256's block: hashed first
    first = [pseudonymizer.content(f"c-{i}") for i in range(3)]
    again = [pseudonymizer.content(f"c-{i}") for i in range(3)]
    assert first == again == [reference(b"k" * 100, "content", f"c-{i}") for i in range(3)]
    assert len(set(first)) == 3


def test_namespaces_separate_equal_values():
    pseudonymizer = Pseudonymizer(b"secret")
    assert pseudonymizer.author("a@b.eu") != pseudonymizer.email("a@b.eu")


def test_a_pickled_pseudonymizer_gives_the_same_keys():
    pseudonymizer = Pseudonymizer(b"secret")
    pseudonymizer.author("acct-1")  # a namespace state is cached before pickling
    copy = pickle.loads(pickle.dumps(pseudonymizer))
    assert copy.author("acct-1") == pseudonymizer.author("acct-1") == reference(
        b"secret", "author", "acct-1"
    )


def test_keys_of_many_values_are_each_values_key():
    pseudonymizer = Pseudonymizer(b"secret")
    values = ["c-1", "", "c-ü", "c-1"]
    assert pseudonymizer.keys("content", values) == [
        pseudonymizer.content(v) for v in values
    ]
