"""The outcome agreement as a facilitator records it in the case screen (A 3(c), A 3(d);
NCJB 3.6): the agreement itself, an action with a supporter and a supervisor, its
completion with evidence, the person harmed told as they asked, money with a witness."""

from __future__ import annotations

from rjfacil.casedoc.model import ActionStatus, Bindingness
from rjfacil.workspace import Vault
from screens.plans import (
    ActionEditor,
    AgreementEditor,
    CompletionEditor,
    MoneyEditor,
    ToldEditor,
)
from tests.pilot_helpers import case_screen, open_with, press, screen_text, squashed, two_people


async def test_the_agreement_its_action_completed_with_evidence_and_the_person_harmed_told(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-901", co_worker="Priya Shah")
    harmed, responsible = two_people(case)
    async with case_screen(vault, case.id, "agreement", size=(120, 40)) as (app, pilot):
        assert "Not recorded yet: u records it" in squashed(screen_text(app))
        editor = await open_with(pilot, "u", AgreementEditor)
        editor.terms.widget.text = "Ben mends the fence."
        editor.agreed_by.widget.select_all()
        editor.agreed_on.widget.value = "2026-03-02"
        editor.binding.widget.query_one(f"#{Bindingness.VOLUNTARY.value}").value = True
        editor.tell.widget.text = "A phone call in the evening."
        await press(pilot, "ctrl+s")
        agreement = case.agreement
        assert agreement is not None and agreement.binding is Bindingness.VOLUNTARY
        assert set(agreement.agreed_by) == {harmed, responsible}
        assert case.agreement_made == "yes"
        shown = squashed(screen_text(app))
        assert "Agreed by: Ana Silva, Ben Cole on 2 Mar 2026" in shown
        assert "Tell the person harmed: A phone call in the evening." in shown

        action = await open_with(pilot, "a", ActionEditor)
        action.description.widget.text = "Mend the fence"
        action.by_whom.widget.value = str(responsible)
        action.supported_by.widget.value = str(case.case.co_worker)
        action.supervised_by.widget.value = str(vault.owner.id)
        await press(pilot, "ctrl+s")
        assert "Supported by: Priya Shah" in squashed(screen_text(app))

        done = await open_with(pilot, "c", CompletionEditor)
        await press(pilot, "ctrl+s")  # no evidence: refused, the editor stays and says why
        assert "completion is marked with its evidence" in squashed(screen_text(app))
        done.evidence.widget.text = "Photos of the mended fence"
        await press(pilot, "ctrl+s")
        [mended] = case.actions
        assert mended.status is ActionStatus.DONE and mended.evidence.startswith("Photos")
        assert "Person harmed not told yet" in squashed(screen_text(app))

        told = await open_with(pilot, "p", ToldEditor)
        assert "They asked to be told: A phone call in the evening." in squashed(screen_text(app))
        told.how.widget.value = "Phone call, as she asked"
        await press(pilot, "ctrl+s")
        assert case.actions[0].told_how == "Phone call, as she asked"
        assert "Person harmed told on" in squashed(screen_text(app))

        money = await open_with(pilot, "m", MoneyEditor)
        money.amount.widget.value = "£25"
        money.from_whom.widget.value = str(responsible)
        money.witness.widget.value = "Priya Shah"
        await press(pilot, "ctrl+s")
        assert [m.witness for m in case.money_handovers] == [case.case.co_worker]
        assert "Money: £25.00" in squashed(screen_text(app))
