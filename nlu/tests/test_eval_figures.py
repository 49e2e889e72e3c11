"""The evaluation's top-3 and long-question figures: the walk the bot makes when it asks back, end to end."""
from pathlib import Path

import pytest

from core.testing import free_port
from nlu import evaluate
from nlu.eval_figures import OFFERED_INTENTS, figures, is_long, offered, top_n_hit
from nlu.tests.standin import StandIn

pytestmark = pytest.mark.nodb
LONG_Q = ("Tôi năm nay 57 tuổi, bị tăng huyết áp đang uống thuốc hằng ngày và huyết áp ổn định. "
          "Xin hỏi tôi có được tiêm vaccine Covid-19 không ạ?")


@pytest.mark.parametrize("ranking, expected", [
    # what the bot can offer as buttons, in order; the rest is skipped like bot.understand.ask_back does
    ([("faq/masks", .5), ("faq/testing", .2), ("faq/travel", .1), ("faq/pets", .1)],
     ["faq/masks", "faq/testing", "faq/travel"]),
    ([("nlu_fallback", .2), ("faq/masks", .15), ("greet", .1), ("faq/testing", .1), ("report", .05)],
     ["faq/masks", "faq/testing", "report"]),
    ([("out_of_scope", .6), ("thanks", .2), ("deny", .1), ("faq/pets", .1)], ["faq/pets"]),
    ([("talk_to_staff", .5), ("menu", .3), ("declare_health", .1), ("faq/pets", .1)],
     ["talk_to_staff", "menu", "declare_health"]),
    ([], []),
])
def test_offered_follows_the_ask_back_walk(ranking, expected):
    assert offered(ranking) == expected


def test_offered_intents_are_the_bots_buttons():
    from bot.understand import INTENT_TITLES

    assert OFFERED_INTENTS == set(INTENT_TITLES)


@pytest.mark.parametrize("gold, predicted, ranking, hit", [
    ("faq/pets", "faq/pets", [("faq/pets", .9)], True),
    ("faq/pets", "faq/masks", [("faq/masks", .5), ("greet", .3), ("faq/travel", .1), ("faq/pets", .1)], True),
    ("faq/pets", "faq/masks", [("faq/masks", .5), ("faq/apps", .3), ("faq/travel", .1), ("faq/pets", .1)], False),
    ("greet", "greet", [("greet", .9)], True),  # never offered as a button, but answered right
    ("out_of_scope", "nlu_fallback", [("nlu_fallback", .2), ("faq/pets", .1)], True),
    ("out_of_scope", "faq/pets", [("faq/pets", .4), ("out_of_scope", .3)], False),
])
def test_top_n_hit(gold, predicted, ranking, hit):
    assert top_n_hit(gold, predicted, ranking) is hit


def test_long_means_over_twenty_words():
    assert is_long(LONG_Q)
    assert not is_long("tôi bị cao huyết áp có tiêm vaccine được không")
    assert not is_long(" ".join(["từ"] * 20)) and is_long(" ".join(["từ"] * 21))


def test_figures_split_long_questions():
    texts = [LONG_Q, LONG_Q, "tiêm được không", "cách ly mấy ngày"]
    gold = ["faq/vaccine_eligibility"] * 3 + ["faq/quarantine"]
    predicted = ["faq/vaccine_eligibility", "faq/vaccine_types", "faq/vaccine_types", "faq/masks"]
    rankings = [[("faq/vaccine_eligibility", .9)],
                [("faq/vaccine_types", .4), ("faq/vaccine_eligibility", .3)],
                [("faq/vaccine_types", .4), ("faq/apps", .3), ("faq/masks", .2), ("faq/vaccine_eligibility", .1)],
                [("faq/masks", .4), ("faq/quarantine", .3)]]
    got = figures(texts, gold, predicted, rankings, [0.9, 0.4, 0.4, 0.4], threshold=0.55)
    assert got == {"top3": 0.75, "answered": 0.25, "long_n": 2, "long_acc": 0.5, "long_top3": 1.0}
    # right but unsure is asked back, not answered
    assert figures(texts, gold, predicted, rankings, [0.5, 0.4, 0.4, 0.4], threshold=0.55)["answered"] == 0.0


@pytest.fixture()
def standin():
    server = StandIn(free_port())
    yield server
    server.stop()


def test_evaluate_prints_top3_and_long_figures(standin, tmp_path: Path, capsys):
    # The stand-in reads every question as faq/quarantine, then close_contact, greet, masks: so quarantine is
    # right, close_contact and masks (greet is skipped, as the bot does) are in the top 3, testing is not.
    probe = tmp_path / "probe.yml"
    probe.write_text(
        'version: "3.1"\nnlu:\n'
        f"- intent: faq/quarantine\n  examples: |\n    - {LONG_Q}\n"
        "- intent: faq/close_contact\n  examples: |\n    - tôi có phải F1 không\n"
        "- intent: faq/masks\n  examples: |\n    - đeo khẩu trang loại nào\n"
        f"- intent: faq/testing\n  examples: |\n    - {LONG_Q}\n", encoding="utf-8")
    assert evaluate.main(["--held-out", str(probe), "--url", standin.url]) == 0
    result = capsys.readouterr().out.strip().splitlines()[-1]
    fields = dict(pair.split("=") for pair in result.split()[1:])
    assert fields["rasa_acc"] == "0.250"
    assert fields["rasa_top3"] == "0.750"
    assert fields["rasa_answered"] == "0.250"  # quarantine at 0.9 * 0.8 = 0.72, over the 0.55 threshold
    assert (fields["rasa_long_n"], fields["rasa_long_acc"], fields["rasa_long_top3"]) == ("2", "0.500", "0.500")
