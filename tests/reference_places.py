"""Where the reference text's places really are (lat, lon): public general knowledge, not read
from our gazetteer. Shared by the tests that check the reference text."""

REAL = {
    "Moscow": (55.7558, 37.6173),
    "Damascus": (33.5138, 36.2765),
    "Tartous": (34.8890, 35.8866),
    "Hmeimim": (35.4011, 35.9487),
    "Latakia": (35.5317, 35.7901),
}
