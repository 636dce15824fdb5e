"""Cue lexicons for stance toward a troop deployment.

Cues are phrases of one to three words, matched on the same token hashes as the word
n-grams (so matching a whole batch costs a few array look-ups, not a regex pass). A cue
yields two features, its family (``cue:refusal``) and itself (``cue:refusal=no plans``);
a family that fires in a sentence that also mentions a deployment yields a conjunction
(``deploy&refusal``), which a linear model cannot build on its own.

The entries come from the annotation guidelines (docs/annotation.md) and the vocabulary
of the debate. An entry that the training corpus never uses cannot be learned from our
data, so one that fires on the gold article anyway can only have come from reading it: a
test keeps every cue that fires on the gold backed by at least one training sentence.
"""

from __future__ import annotations

__all__ = [
    "CUE_FAMILIES",
    "DEPLOY_PHRASES",
    "DEPLOY_VERBS",
    "FORCE_NOUNS",
    "NEGATION_WORDS",
    "PLACE_WORDS",
    "REPORTED_SPEECH",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    # A phrase may wrap onto the next line of its literal; its name keeps single spaces.
    return tuple(" ".join(p.split()) for p in text.split(",") if p.strip())


#: Verbs and nouns of sending: a sentence mentions a deployment when one of these is
#: followed, within six words, by one of FORCE_NOUNS.
DEPLOY_VERBS = _words(
    """send sends sending sent deploy deploys deploying deployed deployment deployments
    station stations stationed stationing dispatch dispatches dispatched dispatching put
    puts putting commit commits committing committed contribute contributes contributing
    contributed contribution provide providing presence involvement participate
    participation participating boots"""
)
FORCE_NOUNS = _words(
    """troops troop soldiers soldier forces force servicemen personnel peacekeepers
    peacekeeper peacekeeping trainers instructors contingent contingents units brigade
    brigades battalion battalions boots army armies mission deminers engineers"""
)
#: ...or when one of FORCE_NOUNS is followed within six words by one of these places.
PLACE_WORDS = _words("ukraine ukrainian kyiv kiev battlefield front")
#: Phrases that mention a deployment on their own.
DEPLOY_PHRASES = _phrases(
    """boots on the, peacekeepers, peacekeeping force, reassurance force, stabilisation
    force, stabilization force, multinational force, coalition of the, ground troops,
    ground forces, western troops, nato troops, foreign troops, european troops, allied
    troops, western soldiers, nato soldiers, european soldiers, foreign soldiers, combat
    troops, french troops, british troops, american troops, us troops, german troops,
    polish troops, our troops, our soldiers, western forces, nato forces, european forces"""
)

_REFUSAL = _phrases(
    """no plans, no plan, not planning, not plan, not going to, not intend, no intention,
    not considering, not send, not sending, not deploy, not deploying, not put, not
    participate, not contribute, not join, won t, will never, never, not on the, out of
    the, rule out, rules out, ruled out, ruling out, exclude, excludes, excluded, reject,
    rejects, rejected, rejecting, oppose, opposes, opposed, opposition, refuse, refuses,
    refused, refusal, deny, denies, denied, denial, disagree, disagreed, no troops, no
    soldiers, no boots, no question of, not a party, distance, distanced, not support, no
    consensus, unlikely, dismiss, dismissed, dismisses, no appetite, not happen, off the
    table, not be sent, never be, under no circumstances, not our, cannot send, can t"""
)
_OPENNESS = _phrases(
    """not rule out, not ruled out, not ruling out, nothing should be, not be ruled, not
    exclude, not excluding, not be excluded, cannot be excluded, cannot exclude, can t
    exclude, no option is, all options, every option, on the table, not unthinkable, not
    impossible, ready to, willing to, willingness to, prepared to, open to, would send,
    could send, might send, will send, would deploy, could deploy, would contribute, could
    contribute, will contribute, consider, considering, considered, support the idea,
    supports the idea, backed the idea, in favour of, in favor of, should send, must send,
    if a ceasefire, once a ceasefire, after a ceasefire, once peace, contribute,
    contributing, lead a, lead the, offer, offered, offers, pledge, pledged, commit,
    committed, strategic ambiguity, keep all, leave the door, door open, not unimaginable,
    welcome, welcomed, welcomes, praised, deter"""
)
_WARNING = _phrases(
    """escalation, escalate, escalating, escalatory, direct confrontation, direct war, world
    war, nuclear, legitimate target, legitimate targets, red line, red lines, inevitable,
    inevitably, provoke, provocation, provocative, dangerous, danger, reckless, catastrophe,
    catastrophic, apocalyptic, war with russia, war with nato, conflict with russia,
    retaliate, retaliation, spiral, threat, threatens, threatened, irresponsible, madness,
    consequences, target, targets, destroy, destroyed, risk, risks, risky, confrontation"""
)

#: Refusal and denial, openness and hedging, warnings of escalation.
CUE_FAMILIES: dict[str, tuple[str, ...]] = {
    "refusal": _REFUSAL,
    "openness": _OPENNESS,
    "warning": _WARNING,
}

#: Verbs of reported speech (a quote mark in the sentence is a cue too).
REPORTED_SPEECH = _phrases(
    """said, says, say, told, tells, stated, declared, declares, added, adds, insisted,
    stressed, warned, warns, argued, argues, claimed, claims, wrote, writes, announced,
    according to, noted, explained, replied, responded, tweeted, posted, quoted, suggested,
    indicated, made clear, believes, thinks"""
)

#: Tokens that open a negation scope (``n't`` is tokenised as ``t``).
NEGATION_WORDS = _words(
    "not no never t nothing none nobody neither nor without cannot hardly nowhere"
)
