"""The model: it learns from labelled comments, and an organisation's confirmed labels retrain it."""

import pytest

from coproduce.themes import learning, services
from coproduce.themes.framework import DEFAULT_CODES, SUBCATEGORY_THEMES
from coproduce.themes.models import Classifier, Comment
from coproduce.themes.tests.factories import ThemeFactory, written_comments

TRAINING = [
    ("The car park was full and I could not find a space", ["parking"]),
    ("Parking is impossible, I drove round for half an hour", ["parking"]),
    ("There are never any parking spaces near the clinic", ["parking"]),
    ("Paying for the car park every visit adds up", ["parking"]),
    ("The peer support worker understood me because she had been there", ["peer-support"]),
    ("Talking to a peer worker with lived experience helped more than anything", ["peer-support"]),
    ("My peer mentor showed me recovery is possible", ["peer-support"]),
    ("The peer support group was the best part", ["peer-support"]),
    ("The waiting room was cold and the car park was dark", ["parking", "building"]),
    ("The building is old and the lift is always broken", ["building"]),
    ("The heating in the building never works", ["building"]),
    ("Toilets in the building were dirty", ["building"]),
]


def examples():
    return [
        learning.Example(text, labels, "negative" if i % 2 else "positive")
        for i, (text, labels) in enumerate(TRAINING)
    ]


def test_a_model_trained_on_a_small_labelled_set_themes_held_out_comments_correctly():
    model = learning.train(examples())

    [parking, peer] = model.suggest(
        [
            "I could not park anywhere near the car park entrance",
            "A peer worker who had lived it helped me most",
        ]
    )

    assert parking.labels[0][0] == "parking"
    assert peer.labels[0][0] == "peer-support"
    assert model.predict_single(["The lift in the building was broken again"]) == ["building"]


def test_a_stored_model_gives_the_same_suggestions_after_a_round_trip_through_bytes():
    model = learning.train(examples())
    again = learning.Classifier.loads(model.dumps())

    texts = ["Full car park again", "My peer mentor"]
    assert [s.labels for s in again.suggest(texts)] == [s.labels for s in model.suggest(texts)]


def test_training_needs_two_themes():
    with pytest.raises(ValueError, match="at least two different themes"):
        learning.train([learning.Example("Only one theme here", ["a"])] * 3)


def test_every_starter_subcategory_maps_to_a_default_theme():
    assert set(SUBCATEGORY_THEMES.values()) <= set(DEFAULT_CODES)
    examples = learning.starter_examples()
    assert len(examples) > 9000
    assert {e.sentiment for e in examples} <= {"positive", "neutral", "negative", ""}
    assert sum(e.sentiment == "negative" for e in examples) > 1000


@pytest.mark.django_db
def test_the_starter_model_suggests_themes_for_a_new_organisation_from_day_one(organisation, starter):
    services.themes_setup_organisation(organisation)
    [food, waiting] = written_comments(
        organisation,
        [
            "The food on the ward was cold and there was no choice at dinner",
            "I waited months for my first appointment",
        ],
    )

    assert services.comments_suggest(organisation=organisation) == 2

    food.refresh_from_db()
    waiting.refresh_from_db()
    assert food.status == Comment.Status.SUGGESTED
    assert "food" in [label.theme.code for label in food.labels.all()]
    assert "access-waiting" in [label.theme.code for label in waiting.labels.all()]
    assert waiting.sentiment == "negative"
    assert food.suggested["classifier"] == starter.pk


@pytest.mark.django_db
def test_confirmed_labels_retrain_the_organisations_model_which_then_suggests_the_new_theme(
    organisation, lead, starter, django_capture_on_commit_callbacks
):
    services.themes_setup_organisation(organisation)
    peer = ThemeFactory(organisation=organisation, name="Peer support")
    texts = [text for text, labels in TRAINING if labels == ["peer-support"]]
    comments = written_comments(organisation, texts)
    services.comments_suggest(organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        for comment in comments:
            services.comment_confirm(comment=comment, actor=lead, theme_ids=[peer.pk], sentiment="positive")

    model = Classifier.objects.get(organisation=organisation)
    assert model.confirmed_count == 4 and str(peer.pk) in model.labels
    [held_out] = written_comments(
        organisation, ["Meeting a peer support worker with lived experience gave me hope"]
    )
    services.comments_suggest(organisation=organisation)
    held_out.refresh_from_db()
    assert peer in held_out.themes.all()
    assert held_out.suggested["classifier"] == model.pk
    # Nothing new confirmed since: a retrain finds nothing to do.
    assert services.organisation_train(organisation=organisation) is None
