"""A delta longer than one entries page is verified and stored page by page inside one
transaction (member_portal/client/sync.py apply_delta): adds of one page removed by a later page
go, and a bad page anywhere, even the last, leaves the last good state as it was."""

from urllib.parse import parse_qs, urlsplit

from member_portal.client.store import Store
from member_portal.feed import wire
from tests.fixtures.values import MD5_VALUE

PAGE_MAX = 2


def _state(state):
    with Store(state) as store:
        loaded = store.load()
        return loaded.size, store.counts()


def test_a_delta_of_many_pages_applies_adds_and_removes_across_pages(bank, client, state, settings):
    settings.HASHBANK_ENTRIES_PAGE_MAX = PAGE_MAX
    bank.publish([("md5", "0" * 31 + "3")])
    code, first = client("sync")  # no snapshot: replayed from entry 0
    assert code == 0 and first["active"] == 1
    case = bank.publish()  # 4 PDQ adds: pages of 2
    bank.publish([("md5", MD5_VALUE)])
    bank.withdraw(case)  # removes of adds two or more pages back

    code, result = client("sync")

    assert code == 0
    assert result["size"] > 3 * PAGE_MAX
    assert (result["added"], result["removed"]) == (5, 4)
    assert _state(state) == (result["size"], {"md5": 2})


def test_a_bad_last_page_rolls_back_the_pages_before_it(bank, client, proxy, state, settings):
    settings.HASHBANK_ENTRIES_PAGE_MAX = PAGE_MAX
    bank.publish()
    bank.snapshot()
    code, good = client("sync", url=proxy.url)
    assert code == 0
    bank.publish([("md5", MD5_VALUE)])
    bank.publish([("md5", "0" * 31 + "1")])
    bank.publish([("md5", "0" * 31 + "2")])
    pages = []

    def flip_the_last_page(path, body):
        if path.startswith("/api/v1/entries"):
            start, records = wire.decode_entries(body)
            pages.append(start)
            size = int(parse_qs(urlsplit(path).query)["size"][0])
            if start + len(records) == size:  # the last page of the delta
                leaf, payload = records[-1]
                records[-1] = (leaf[:4] + bytes([leaf[4] ^ 1]) + leaf[5:], payload)
                return wire.encode_entries(start, records)
        return body

    proxy.tamper = flip_the_last_page
    code, result = client("sync", url=proxy.url)

    assert code == 3 and result["error"]["code"] == "verification_failed"
    assert len(pages) > 1  # earlier pages were verified and written, then rolled back
    assert _state(state) == (good["size"], {"pdq": 4})
