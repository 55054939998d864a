"""Set-wise reads and writes (``store.bulk``) past one chunk: accounts opened and found again for 1,200
pseudonyms, a posting to each of them appended and their balances moved, the ledger still verifying."""

from __future__ import annotations

from sqlalchemy import func, select

from credit_fixtures import Credits, credits
from transcarbon.services.credits import ledger
from transcarbon.services.credits.common import POOL_REF, account, user_accounts
from transcarbon.store import bulk
from transcarbon.store.models_credits import CreditAccount

__all__ = ["credits"]  # the fixture

N = 2 * bulk.CHUNK + 200


def test_many_accounts_postings_and_balances(credits: Credits) -> None:
    refs = [f"p{i:05d}" for i in range(N)]
    with credits.db.transaction() as s:
        ledger.lock(s)
        first = user_accounts(s, refs)
    with credits.db.transaction() as s:
        head = ledger.lock(s)
        again = user_accounts(s, [*refs, *refs[:10]])  # repeats are one account
        assert again == first and len(set(first.values())) == N
        pool = account(s, "pool", POOL_REF)
        assert pool is not None
        ledger.post(
            s, head, [ledger.Posting("credit", pool.id, first[r], 1 + i % 7, f"t:{r}") for i, r in enumerate(refs)]
        )
    with credits.db.transaction() as s:
        balances = dict(s.execute(select(CreditAccount.ref, CreditAccount.balance_points)).all())
        assert [balances[r] for r in refs] == [1 + i % 7 for i in range(N)]
        assert s.scalar(select(func.sum(CreditAccount.balance_points))) == 0  # the pool issued them
        assert ledger.verify(s).ok
