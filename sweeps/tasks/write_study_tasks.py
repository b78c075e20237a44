#!/usr/bin/env python3
"""Writes the three task files of sweeps/taskfiles_study.toml (deterministic:
run it again and the files are byte-identical):

  two_digit_sum.json  BIG-bench generation: "a+b" -> the sum; every third
                      example also accepts the sum in words (a list target);
                      stop_string and output_regex cut the generation.
  bigger_number.json  BIG-bench multiple choice: target_scores over 2 or 3
                      numbers, the choices appended to the input
                      (append_choices_to_input) with the file's own prefixes.
  capitals.jsonl      lm-evaluation-harness style: question, choices and the
                      answer as an index into them.

Written for sweep, not taken from BIG-bench. The example counts (24, 30, 36)
straddle the grid's eval.examples (32), so both limits are exercised.

    python3 sweeps/tasks/write_study_tasks.py   # writes next to this script
"""
import json
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent
ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n):  # 20 <= n <= 99
    return TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else "")


def two_digit_sum(rng):
    examples = []
    for i in range(24):
        a, b = rng.randint(10, 49), rng.randint(10, 49)
        s = str(a + b)
        examples.append({"input": f"{a}+{b}", "target": [s, words(a + b)] if i % 3 == 0 else s})
    return {
        "name": "two_digit_sum",
        "description": "Add two two-digit numbers.",
        "keywords": ["arithmetic", "numerical response"],
        "metrics": ["exact_str_match"],
        "preferred_score": "exact_str_match",
        "stop_string": "\n",
        "output_regex": "[a-z0-9-]+",
        "examples": examples,
    }


def bigger_number(rng):
    examples = []
    for i in range(30):
        options = rng.sample(range(10, 100), 3 if i % 2 else 2)
        examples.append({"input": "max", "target_scores": {str(o): int(o == max(options)) for o in options}})
    return {
        "name": "bigger_number",
        "description": "Pick the biggest number.",
        "keywords": ["arithmetic", "multiple choice"],
        "metrics": ["multiple_choice_grade"],
        "preferred_score": "multiple_choice_grade",
        "append_choices_to_input": True,
        "example_input_prefix": "\n",
        "choice_prefix": " ",
        "example_output_prefix": " = ",
        "examples": examples,
    }


CAPITALS = [("Peru", "Lima"), ("France", "Paris"), ("Italy", "Rome"), ("Norway", "Oslo"), ("Cuba", "Havana"),
            ("Chile", "Santiago"), ("Egypt", "Cairo"), ("Kenya", "Nairobi"), ("Japan", "Tokyo"),
            ("Spain", "Madrid"), ("Greece", "Athens"), ("Poland", "Warsaw"), ("Austria", "Vienna"),
            ("Ireland", "Dublin"), ("Portugal", "Lisbon"), ("Sweden", "Stockholm"), ("Finland", "Helsinki"),
            ("Denmark", "Copenhagen"), ("Hungary", "Budapest"), ("Russia", "Moscow"), ("China", "Beijing"),
            ("India", "New Delhi"), ("Iran", "Tehran"), ("Iraq", "Baghdad"), ("Canada", "Ottawa"),
            ("Mexico", "Mexico City"), ("Brazil", "Brasilia"), ("Germany", "Berlin"), ("Belgium", "Brussels"),
            ("Nepal", "Kathmandu"), ("Ghana", "Accra"), ("Mali", "Bamako"), ("Laos", "Vientiane"),
            ("Qatar", "Doha"), ("Oman", "Muscat"), ("Fiji", "Suva")]


def capitals(rng):
    lines = []
    for country, capital in CAPITALS:
        others = rng.sample([c for _, c in CAPITALS if c != capital], 2)
        choices = others + [capital]
        rng.shuffle(choices)
        lines.append({"question": f"Capital of {country}?", "choices": choices, "answer": choices.index(capital)})
    return lines


def main():
    rng = random.Random(21)
    for name, task in [("two_digit_sum.json", two_digit_sum(rng)), ("bigger_number.json", bigger_number(rng))]:
        (HERE / name).write_text(json.dumps(task, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "capitals.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in capitals(rng)),
                                         encoding="utf-8")


if __name__ == "__main__":
    main()
