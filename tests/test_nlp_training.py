"""Training data out and back in (DocBin, doccano JSONL, Label Studio) and the train command, end to end."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from gongkai import read_report
from gongkai.extract.domain.narrative import training_examples
from gongkai.extract.interfaces.cli import app
from gongkai.nlp.analyse import blank
from gongkai.nlp.labels import SECTION_LABELS
from gongkai.nlp.training import Example, read_annotations, split, to_docbin, to_jsonl, to_labelstudio
from tests.conftest import SHARED

runner = CliRunner()


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    out: list[Example] = []
    for name in ("seed000", "seed001", "seed003"):
        out += training_examples(read_report(SHARED / "seeds" / f"{name}.txt"), name)
    return out


def test_examples_carry_structure_labels_only(examples):
    assert examples and all(e.section in SECTION_LABELS for e in examples)
    assert all(e.meta["source"] in ("heading", "cue") for e in examples)
    spans = [(e.text[s:t], lab) for e in examples for s, t, lab in e.spans]
    assert ("政策解读形式比较单一", "problem") in spans and ("提高政务公开时效性", "improvement") in spans


def test_split_keeps_documents_whole(examples):
    train, dev = split(examples, 0.34, seed=1)
    assert train and dev
    assert not {e.meta["doc"] for e in train} & {e.meta["doc"] for e in dev}
    assert split(examples, 0.34, seed=1) == (train, dev)


def test_docbin_loads_with_cats_and_spans(examples, tmp_path):
    n = to_docbin(examples, tmp_path / "x.spacy")
    docs = list(DocBin().from_disk(tmp_path / "x.spacy").get_docs(blank().vocab))
    assert len(docs) == n == len(examples)
    assert all(sum(d.cats.values()) == 1.0 for d in docs)
    assert {sp.label_ for d in docs for sp in d.spans["items"]} == {"problem", "improvement"}


def test_jsonl_round_trip(examples, tmp_path):
    to_jsonl(examples, tmp_path / "x.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "x.jsonl").read_text("utf-8").splitlines()]
    assert len(lines) == len(examples) and {"text", "label", "cats"} <= set(lines[0])
    back = read_annotations(tmp_path / "x.jsonl")
    assert [(b.text, b.section, b.spans) for b in back] == [(e.text, e.section, e.spans) for e in examples]


def test_doccano_exports_read(tmp_path):
    f = tmp_path / "doccano.jsonl"
    f.write_text(
        json.dumps({"text": "一是解读形式单一。", "entities": [{"start_offset": 2, "end_offset": 8, "label": "problem"}]},
                   ensure_ascii=False) + "\n"
        + json.dumps({"text": "本年度未收取信息处理费。", "label": ["fees"]}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    a, b = read_annotations(f)
    assert a.spans == [(2, 8, "problem")] and a.text[2:8] == "解读形式单一"
    assert b.section == "fees" and not b.spans


def test_labelstudio_tasks_and_corrected_export(examples, tmp_path):
    to_labelstudio(examples, tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text("utf-8"))
    assert len(tasks) == len(examples) and (tmp_path / "tasks.xml").read_text("utf-8").startswith("<View>")
    assert tasks[0]["predictions"][0]["result"]
    # an annotator corrects the first task's section and leaves the rest alone
    tasks[0]["annotations"] = [{"result": [{"type": "choices", "from_name": "section", "to_name": "text",
                                             "value": {"choices": ["supervision"]}}]}]
    (tmp_path / "export.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    done = read_annotations(tmp_path / "export.json")
    assert len(done) == 1 and done[0].section == "supervision" and done[0].meta["annotated"]
    assert len(read_annotations(tmp_path / "export.json", use_predictions=True)) == len(examples)


def test_cli_export_import_train_load(tmp_path):
    data = tmp_path / "data"
    res = runner.invoke(app, ["export-training", str(SHARED / "seeds"), "--format", "spacy", "--out", str(data),
                              "--dev-fraction", "0.4"])
    assert res.exit_code == 0, res.output
    assert (data / "train.spacy").exists() and (data / "dev.spacy").exists()
    for fmt, name in (("jsonl", "train.jsonl"), ("labelstudio", "train.json")):
        res = runner.invoke(app, ["export-training", str(SHARED / "seeds"), "--format", fmt, "--out", str(tmp_path / fmt)])
        assert res.exit_code == 0 and (tmp_path / fmt / name).exists(), res.output
    res = runner.invoke(app, ["import-annotations", str(tmp_path / "jsonl" / "train.jsonl"), "--out",
                              str(tmp_path / "back.spacy")])
    assert res.exit_code == 0, res.output
    assert len(list(DocBin().from_disk(tmp_path / "back.spacy").get_docs(blank().vocab))) > 10
    model = tmp_path / "model"
    res = runner.invoke(app, ["train", str(data), "--out", str(model), "--max-steps", "20", "--seed", "3"])
    assert res.exit_code == 0, res.output
    nlp = spacy.load(model)
    assert set(nlp.get_pipe("textcat").labels) <= set(SECTION_LABELS)
    assert nlp("本年度未收取信息处理费。").cats


def test_cli_export_needs_input():
    res = runner.invoke(app, ["export-training"])
    assert res.exit_code != 0


HAND_SET = """\
- id: a_town_2022
  heading: null
  text: |-
    本年度共主动公开政府信息120条。
    存在的问题：一是公开内容不够全面；二是栏目更新不及时。
    下一步，我镇将加强培训，提升工作人员业务能力。
    全年未收到申请，未收取任何费用。
  items:
    - {label: problem, text: 公开内容不够全面}
    - {label: improvement, text: 加强培训，提升工作人员业务能力}
  sections:
    - [active_disclosure, 本年度共主动公开]
    - [problems, 存在的问题]
    - [problems, 一是公开内容]
    - [problems, 二是栏目更新]
    - [improvements, 下一步，我镇将]
- id: b_county_2023
  heading: null
  text: 本年度未收取信息处理费。
  items: []
  sections:
    - [fees, 本年度未收取]
"""


@pytest.fixture()
def hand_set(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND_SET, encoding="utf-8")
    return path


def test_labelled_examples_are_the_labelled_sentences(hand_set):
    from gongkai.nlp.training import labelled_examples

    exs = labelled_examples(hand_set)
    by_label = {e.section: e for e in exs}
    assert [e.section for e in exs].count("problems") >= 1 and "全年未收到申请" not in "".join(e.text for e in exs)
    assert by_label["active_disclosure"].text.startswith("本年度共主动公开")
    assert by_label["fees"].meta["doc"] == "hand:b_county_2023" and by_label["fees"].meta["source"] == "hand"
    spans = [(e.text[s:t], lab) for e in exs for s, t, lab in e.spans]
    assert ("公开内容不够全面", "problem") in spans


def test_labelled_examples_reject_a_fragment_not_in_text(tmp_path):
    from gongkai.nlp.training import labelled_examples

    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  heading: null\n  text: 甲。\n  items: []\n  sections:\n    - [fees, 乙]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not in text"):
        labelled_examples(bad)


def test_cli_export_with_labelled_set_trains(hand_set, tmp_path):
    data = tmp_path / "data"
    res = runner.invoke(app, ["export-training", str(SHARED / "seeds"), "--labelled", str(hand_set),
                              "--labelled-repeat", "3", "--dev-fraction", "0.3", "--out", str(data)])
    assert res.exit_code == 0, res.output
    assert "hand-labelled sentences" in res.output
    vocab = blank().vocab
    train = list(DocBin().from_disk(data / "train.spacy").get_docs(vocab))
    dev = list(DocBin().from_disk(data / "dev.spacy").get_docs(vocab))
    fees = [d for d in train + dev if d.text == "本年度未收取信息处理费。"]
    assert fees and all(d.cats["fees"] == 1.0 and sum(d.cats.values()) == 1.0 for d in fees)
    # copies only in train, and a passage never on both sides
    assert len(fees) in (1, 3) and not (any(d in dev for d in fees) and len(fees) > 1)
    only = runner.invoke(app, ["export-training", "--labelled", str(hand_set), "--dev-fraction", "0.5",
                               "--out", str(tmp_path / "only")])
    assert only.exit_code == 0, only.output
    model = tmp_path / "model"
    res = runner.invoke(app, ["train", str(data), "--out", str(model), "--max-steps", "20", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert "fees" in spacy.load(model).get_pipe("textcat").labels
