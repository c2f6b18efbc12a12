"""guardians: replace or remove the pause guardian and the proposal guardian, and/or lift a pause of opens
(contracts/governance/README.md, "The guardians").

Its own kind, not keys of protocol-params, because such a proposal is guardian-proof only while these are its only
calls: the Governor lets the proposal guardian cancel any proposal except one whose every call is the protocol's
`setGuardian` or `unpauseOpens`, or its own `setProposalGuardian` (`MegaTAOGovernor.isGuardianProof`), so that no
guardian can keep governance from removing it. A file of this kind makes exactly those calls, in the order the
README gives for a swap: `setGuardian(pause guardian)` on the protocol, then `setProposalGuardian(proposal guardian)`
on the Governor, then `unpauseOpens()` on the protocol. The two guardians must be different keys (either may be
none): the Governor refuses a proposal guardian that is the pause guardian, and reverts the execution of a proposal
that leaves them equal (`GuardiansNotDistinct`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from governance.proposals.base import ChainContext, ExpectedCall, Header, KeyTarget, Rules, Violation
from governance.proposals.calls import PROTOCOL_INTERFACE, Action, Context, contract_call

KIND = "guardians"
GOVERNOR_INTERFACE = "MegaTAOGovernor"
ZERO = "0x0000000000000000000000000000000000000000"
#: `setGuardian` and `unpauseOpens` write the entry contract's router namespace (the guardian, the pause's end), and
#: `unpauseOpens` the vault's paused flag when a pause was in effect; the proposal guardian is the Governor's own
#: storage (governance bookkeeping).
NAMESPACES = {"router", "vault"}
EVENTS: list[str] = []  # by the file's keys (expected_events)


def _address(value: Any) -> str:
    """An account as written: 0x and 40 hex digits (mixed case must be a valid EIP-55 checksum), or `none` for the
    zero address (no guardian); returned checksummed."""
    if isinstance(value, str) and value.strip().lower() == "none":
        return ZERO
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError("found a number: write the address in quotes (YAML reads an unquoted 0x... as a number)")
    if not isinstance(value, str) or not re.fullmatch(r"0x[0-9a-fA-F]{40}", value.strip()):
        raise ValueError(f"found {value!r}, expected an address (0x and 40 hex digits) or none")
    from eth_utils import is_checksum_address, to_checksum_address

    text = value.strip()
    if text[2:] != text[2:].lower() and text[2:] != text[2:].upper() and not is_checksum_address(text):
        raise ValueError(f"'{text}' has mixed case but is not a valid checksum address: check it for a typo")
    return to_checksum_address(text)


Address = Annotated[
    str,
    BeforeValidator(_address),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(0x[0-9a-fA-F]{40}|none)$",
            "description": "An account, 0x and 40 hex digits (quoted), or none",
        }
    ),
]


class Guardians(Header):
    kind: Literal["guardians"]
    pause_guardian: Address | None = None
    """The protocol's new pause guardian (`MegaTAO.setGuardian`): the one account that may pause opens, for
    `max_pause` at most; `none` removes it."""
    proposal_guardian: Address | None = None
    """The Governor's new proposal guardian (`MegaTAOGovernor.setProposalGuardian`): the one account that may cancel
    proposals that are not guardian-proof; `none` removes it. Never the same key as the pause guardian."""
    unpause_opens: bool = Field(default=False)
    """true: lift a pause of opens in effect (`MegaTAO.unpauseOpens`), e.g. one a removed guardian started."""


Model = Guardians
RULES = Rules(KIND)


@RULES("GUARDIANS-NONEMPTY", "a guardians proposal replaces a guardian or lifts a pause")
def _nonempty(p: Model) -> Iterator[Violation]:
    if p.pause_guardian is None and p.proposal_guardian is None and not p.unpause_opens:
        yield (
            (),
            "no guardian to replace and no pause to lift",
            "name pause_guardian, proposal_guardian or unpause_opens",
        )


@RULES("GUARDIANS-DISTINCT", "the pause guardian and the proposal guardian are different keys (or none)")
def _distinct(p: Model) -> Iterator[Violation]:
    if p.pause_guardian is not None and p.pause_guardian == p.proposal_guardian and p.pause_guardian != ZERO:
        yield (
            ("proposal_guardian",),
            f"found {p.proposal_guardian}, the pause guardian too; expected a different key",
            "the Governor reverts the execution (GuardiansNotDistinct): one key must not both pause and veto",
        )


def accounts(p: Model) -> list[str]:
    """The accounts the file names (their timelock roles are read before and after the execution)."""
    return [a for a in (p.pause_guardian, p.proposal_guardian) if a is not None and a != ZERO]


def actions(p: Model, ctx: Context) -> list[Action]:
    result = []
    if p.pause_guardian is not None:
        result.append(
            contract_call(
                ctx.protocol, PROTOCOL_INTERFACE, "setGuardian", [p.pause_guardian], f"setGuardian({p.pause_guardian})"
            )
        )
    if p.proposal_guardian is not None:
        result.append(
            contract_call(
                ctx.address_of(GOVERNOR_INTERFACE),
                GOVERNOR_INTERFACE,
                "setProposalGuardian",
                [p.proposal_guardian],
                f"setProposalGuardian({p.proposal_guardian}) on the Governor",
            )
        )
    if p.unpause_opens:
        result.append(contract_call(ctx.protocol, PROTOCOL_INTERFACE, "unpauseOpens", [], "unpauseOpens()"))
    return result


def expected_calls(p: Model, protocol, fork_chain) -> list[ExpectedCall]:
    calls: list[ExpectedCall] = []
    if p.pause_guardian is not None:
        calls.append(("setGuardian", lambda args: [("pause_guardian", p.pause_guardian, args["newGuardian"])]))
    if p.proposal_guardian is not None:
        calls.append(
            (
                "setProposalGuardian",
                lambda args: [("proposal_guardian", p.proposal_guardian, args["newProposalGuardian"])],
                GOVERNOR_INTERFACE,
            )
        )
    if p.unpause_opens:
        calls.append(("unpauseOpens", lambda args: []))
    return calls


def expected_events(p: Model) -> list[str]:
    events = ["GuardianSet"] if p.pause_guardian is not None else []
    events += ["ProposalGuardianSet"] if p.proposal_guardian is not None else []
    return events + (["OpensUnpaused"] if p.unpause_opens else [])


def namespaces(p: Model) -> set[str]:
    return {"router"} | ({"vault"} if p.unpause_opens else set())


def key_targets(p: Model, new_implementations: dict[str, str]) -> list[KeyTarget]:
    targets = []
    if p.pause_guardian is not None:
        targets.append(KeyTarget("pause_guardian", "megatao.guardian", p.pause_guardian))
    if p.proposal_guardian is not None:
        targets.append(KeyTarget("proposal_guardian", "governor.proposalGuardian", p.proposal_guardian))
    if p.unpause_opens:
        targets.append(KeyTarget("unpause_opens", "protocol.opens_paused", False))
    return targets


def chain_checks(p: Model, ctx: ChainContext) -> None:
    """The guardians after the execution must differ (with the current one the file keeps), and the proposal must be
    guardian-proof by the Governor's own rule."""
    gov = ctx.governance
    if gov is None:
        ctx.fail("CHAIN-GOVERNANCE", (), "the deployment records no Governor: nobody could propose this file")
        return
    pause_now = ctx.chain.guard(lambda: ctx.functions.guardian().call())
    veto_now = ctx.chain.guard(lambda: gov.governor.functions.proposalGuardian().call())
    ctx.report.readings.update({"pause_guardian": pause_now, "proposal_guardian": veto_now})
    pause = pause_now if p.pause_guardian is None else p.pause_guardian
    veto = veto_now if p.proposal_guardian is None else p.proposal_guardian
    if pause == veto and pause != ZERO:
        key = "pause_guardian" if p.pause_guardian is not None else "proposal_guardian"
        ctx.fail(
            "CHAIN-GUARDIANS-DISTINCT",
            (key,),
            f"after the execution {pause} would be both the pause guardian and the proposal guardian",
            "the execution reverts GuardiansNotDistinct: give them different keys (to swap them, name both)",
        )
    calls = actions(p, gov.context())
    targets, values, calldatas = [a.target for a in calls], [a.value for a in calls], [a.calldata for a in calls]
    governor = gov.governor.functions
    proof = ctx.chain.guard(lambda: governor.isGuardianProof(targets, values, calldatas).call())
    ctx.report.readings["guardian_proof"] = proof
    if not proof:
        ctx.fail(
            "CHAIN-GUARDIAN-PROOF",
            (),
            "the Governor does not see this proposal as guardian-proof: the proposal guardian could cancel it",
            "check that the deployment's Governor serves this protocol (governor.protocol())",
        )
