"""The stance label set, shared by every module (SemEval-2016 Task 6 labels)."""

#: Label names in ``ClassLabel`` order: index 0 is ``NONE``.
LABELS = ("NONE", "AGAINST", "FAVOR")
#: The labels that carry a stance, averaged by SemEval's F_avg.
STANCE_LABELS = ("FAVOR", "AGAINST")
