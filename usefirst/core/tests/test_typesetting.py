"""Line breaking of Chinese text at the layout level: every character one unit wide, every
ASCII character half a unit, so where a line must break is known exactly."""

from __future__ import annotations

import pytest

from usefirst.core.typesetting import NO_LINE_END, NO_LINE_START, break_lines, printable


def measure(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def lines(text: str, width: float = 10) -> list[str]:
    return [line.text for line in break_lines(text, width, measure)]


def test_a_full_stop_that_would_start_a_line_takes_the_last_character_with_it():
    assert lines("一二三四五六七八九十。") == ["一二三四五六七八九", "十。"]


def test_a_run_of_closing_marks_moves_down_together():
    assert lines("一二三四五六七八九十”）。下文") == ["一二三四五六七八九", "十”）。下文"]


def test_an_opening_bracket_never_ends_a_line():
    assert lines("一二三四五六七八九（十）") == ["一二三四五六七八九", "（十）"]
    assert lines("一二三四五六七八九“引”") == ["一二三四五六七八九", "“引”"]


def test_a_dash_or_an_ellipsis_is_not_split():
    assert lines("一二三四五六七八九——十") == ["一二三四五六七八九", "——十"]
    assert lines("一二三四五六七八九……十") == ["一二三四五六七八九", "……十"]


@pytest.mark.parametrize("n", range(1, 30))
def test_no_line_of_any_break_starts_with_closing_or_ends_with_opening_punctuation(n):
    text = "字" * n + "，《标题》（注释）“引语”：【附件】。" * 3
    result = lines(text, 9)
    assert "".join(result) == text
    assert all(line[0] not in NO_LINE_START for line in result[1:])
    assert all(line[-1] not in NO_LINE_END for line in result)


def test_a_number_or_a_word_stays_whole_and_spaces_at_a_break_are_dropped():
    assert lines("专利号 202310123456.6 已授权") == ["专利号", "202310123456.6 已授", "权"]
    assert lines("按销售额的 3% 提成", 6) == ["按销售额的", "3% 提成"]


def test_a_run_wider_than_a_line_is_broken_by_character():
    assert lines("x" * 25) == ["x" * 20, "x" * 5]


def test_a_paragraph_starting_with_indentation_keeps_it():
    assert lines("    你单位的成果") == ["    你单位的成果"]


def test_the_last_line_of_a_paragraph_is_marked_to_be_set_ragged():
    result = break_lines("一二三四五六七八九十十一", 10, measure)
    assert [line.last for line in result] == [False, True]


def test_characters_without_a_glyph_are_shown_as_code_points_and_controls_left_out():
    glyphs = {ord(c) for c in "甲乙方"}
    assert printable("甲😀乙\x07方\u200d", glyphs) == "甲[U+1F600]乙方"
    assert printable("甲\n乙", glyphs) == "甲\n乙"
