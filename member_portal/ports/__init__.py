"""The member apps' ports into the bank: `ledger` is the one way they reach hashbank.ledger. A
package of its own so that the Django-free toolkit (toolkit/pyproject.toml) never ships it."""
