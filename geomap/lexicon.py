"""Word lists that tell place names from other capitalised words (read by the ruler and the resolver)."""

from __future__ import annotations

#: What follows the place of a news dateline: "BEIRUT:", "NEWARK --", "COLUMBUS, Ohio (AP)".
DATELINE_MARKS = frozenset({":", ",", "--", "—", "–", "-", "("})
#: Nouns that local news puts after a town's name: "Winona man", "Alexandria woman". Enough
#: to read a name the model took for a person or an organisation as the town.
RESIDENT_NOUNS = frozenset({"man", "woman", "men", "women", "boy", "girl", "teen", "teenager",
                            "youth", "resident", "residents", "native", "area"})
#: More such nouns, for a name the model left untagged ("Dublin schools", "Greer police"):
#: after a person's name they mean the person's family or staff ("the Clinton family").
LOCAL_NOUNS = RESIDENT_NOUNS | frozenset({"police", "firefighters", "schools", "elementary",
                                          "community", "council", "officials", "mayor",
                                          "parents", "students"})
#: Nouns a place name stands next to: kinds of place and parts of one ("the town of X", "the
#: outskirts of X", "the X district", "the heart of X", "X residents").
PLACE_KIND_NOUNS = frozenset({
    "town", "towns", "village", "villages", "city", "cities", "district", "districts",
    "province", "provinces", "county", "counties", "region", "regions", "state", "states",
    "suburb", "suburbs", "outskirts", "neighbourhood", "neighborhood", "area", "areas", "camp",
    "governorate", "municipality", "township", "hamlet", "capital", "port", "island", "islands",
    "prefecture", "oblast", "settlement", "commune", "locality", "valley", "borough", "parish",
    "division", "subdistrict", "sub-district", "block", "tehsil", "regency", "department",
    "canton", "territory", "enclave", "quarter", "kebele", "woreda", "zone", "community",
    "communities", "localities", "mountains", "river", "lake", "coast", "border", "frontier",
    "center", "centre", "heart", "edge", "east", "west", "north", "south", "streets", "residents",
})
#: Prepositions after which a capitalised name is most likely a place.
LOCATIVE = frozenset({"in", "at", "from", "near", "to", "into", "outside", "across", "around",
                      "toward", "towards", "through", "throughout", "via", "between"})
#: Prepositions that put what follows them on the map: not "to" or "from", which people
#: take as well ("a message to Hamas", "a letter from Smith").
INSIDE = frozenset({"in", "at", "near", "outside", "inside", "into", "across", "around",
                    "throughout", "through"})
#: Nouns for an armed or criminal group, written after its name ("Fano militia", "Los Lobos
#: gangs"): a town's name there names the group, not a place of the story.
GROUP_NOUNS = frozenset({"militia", "militias", "militiamen", "gang", "gangs", "cartel",
                         "cartels", "rebels", "insurgents", "guerrillas", "fighters", "militants",
                         "brigade", "brigades", "faction"})
#: Nouns for a settlement or division, written before its name: "the town of X" (a part of
#: PLACE_KIND_NOUNS: not "the coast of", "the heart of").
SETTLEMENT_KINDS = frozenset({"town", "city", "village", "port", "capital", "suburb", "hamlet",
                              "settlement", "district", "province", "governorate", "municipality",
                              "commune", "region", "county", "state"})
#: Words that name kinds of organisation or office, and common English words that are also the
#: names of some town somewhere ("University", Florida; "Police", Poland; "Man", Ivory Coast).
#: Alone, outside the model's place entities, they are read as words, not places.
GENERIC_WORDS = frozenset((
    "university", "college", "school", "academy", "institute", "church", "cathedral", "police",
    "department", "office", "state", "national", "federal", "united", "union", "center", "centre",
    "hospital", "clinic", "bank", "council", "court", "county", "city", "town", "village",
    "district", "club", "team", "league", "association", "society", "foundation", "museum",
    "library", "company", "group", "party", "board", "committee", "commission", "agency", "bureau",
    "games", "earth", "heaven", "moon", "sun", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "service", "services", "army", "navy", "force", "forces", "guard", "news", "press", "times",
    "post", "journal", "herald", "tribune", "daily", "radio", "television", "tv", "network",
    "world", "international", "general", "royal", "capital", "central", "north", "south", "east",
    "west", "northern", "southern", "eastern", "western", "northeast", "northwest", "southeast",
    "southwest", "midwest", "upper", "lower", "new", "old", "great",
    "little", "grand", "main", "high", "saint", "st", "mount", "fort", "lake", "river", "island",
    "islands", "park", "valley", "beach", "bay", "hill", "hills", "springs", "christian",
    "catholic", "baptist", "methodist", "muslim", "islamic", "jewish", "republican", "democrat",
    "democratic", "liberal", "conservative", "labour", "green", "free", "first", "second", "third",
    "mr", "mrs", "ms", "dr", "man", "men", "woman", "women", "boy", "girl", "child", "children",
    "people", "person", "family", "home", "house", "as", "at", "by", "of", "on", "in", "is", "it",
    "be", "we", "us", "our", "best", "good", "better", "young", "old", "time", "times", "day",
    "week", "year", "spring", "summer", "autumn", "fall", "winter", "superior", "metro", "forest",
    "woods", "woodlands", "lakes", "terrace", "reading", "olympic", "olympics", "lone", "star",
    "bell", "hail", "victory", "liberty", "independence", "commerce", "enterprise", "industry",
    "progress", "unity", "hope", "faith", "justice", "mercy", "harmony", "energy", "opportunity",
    "paradise", "mission", "normal", "plain", "plains", "globe", "golden", "silver", "gold",
    "diamond", "crystal", "royal", "crown", "king", "queen", "prince", "princess", "lord", "bishop",
    "deacon", "judge", "mayor", "governor", "president", "senator", "sheriff", "chief", "captain",
    "major", "general", "colonel", "sergeant", "officer", "doctor", "nurse", "pastor", "father",
    "mother", "sister", "brother", "son", "daughter", "friend", "friends", "street", "road",
    "avenue", "highway", "route", "square", "market", "station", "airport", "bridge", "tower",
    "hall", "building", "plaza", "mall", "store", "shop", "office", "offices", "health", "care",
    "medical", "energy", "water", "power", "oil", "gas", "coal", "steel", "auto", "motor", "motors",
    "transit", "media", "public", "private", "community", "regional", "local", "global", "standard",
    "express", "pacific", "atlantic",
))
#: Last words of street and building names: the model calls them FAC; the corpora, and most
#: map readers, do not treat them as places of their own.
STREET_WORDS = frozenset((
    "street", "st", "st.", "road", "rd", "rd.", "avenue", "ave", "ave.", "boulevard", "blvd",
    "blvd.", "highway", "hwy", "route", "lane", "ln", "drive", "dr", "dr.", "way", "court", "ct",
    "place", "pl", "parkway", "pkwy", "interstate", "expressway", "freeway", "turnpike", "trail",
    "circle", "hall", "building", "center", "centre", "room", "office", "offices", "jail", "prison",
    "school", "elementary", "academy", "church",
))
#: Words before a person's name.
#: Words that end a street's name ("Dublin Road", "Augusta St."): a place name right before one
#: (capitalised) names the street, not the place. "Court" and "Highway" are left out: "Meigs
#: County Court", "Florida Highway Patrol" name the place's institutions.
THOROUGHFARE_WORDS = frozenset((
    "street", "st", "st.", "road", "rd", "rd.", "avenue", "ave", "ave.", "boulevard", "blvd",
    "blvd.", "drive", "lane", "ln", "trail", "place", "parkway", "pkwy", "terrace",
))
#: Countries that news prose abbreviates with dots. Other ISO codes written with dots are
#: people's initials ("T.R. Smith", "D.E. Jones"), not Turkey or Germany.
DOTTED_COUNTRY_ABBREVIATIONS = frozenset(("U.S.", "U.S.A.", "U.K.", "U.A.E.", "U.S.S.R.",
                                          "P.R.C.", "D.R.C."))
#: Verbs of saying and deciding: a building that does them is the institution it houses
#: ("the Kremlin said", "the White House denied"), not a place.
SPEECH_VERBS = frozenset((
    "say", "deny", "condemn", "state", "announce", "confirm", "warn", "insist", "claim", "accuse",
    "reject", "urge", "dismiss", "respond", "tell", "criticise", "criticize", "welcome", "comment",
    "declare", "decline", "refuse", "praise", "decide", "argue", "add", "vow", "demand",
))
#: People who speak or work for an institution ("White House spokesman", "Pentagon officials").
ROLE_NOUNS = frozenset((
    "spokesman", "spokeswoman", "spokesperson", "official", "officials", "chief", "aide", "aides",
    "adviser", "advisers", "advisor", "advisors", "strategist", "secretary", "staff", "staffer",
    "staffers", "counsel", "press", "source", "sources", "insider", "insiders",
))
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady",
                    "president", "pres", "sen", "senator", "rep", "gov", "governor", "mayor",
                    "judge", "justice", "coach", "rev", "reverend", "father", "pastor", "sgt",
                    "sergeant", "lt", "capt", "captain", "col", "gen", "officer", "deputy",
                    "chief", "minister", "premier", "chancellor", "king", "queen", "prince",
                    "princess", "pope", "sheikh", "commissioner", "councilman", "councilwoman",
                    "attorney", "detective", "trooper", "secretary", "ambassador", "spokesman",
                    "spokeswoman", "superintendent", "principal", "dean", "professor"})
#: Words for a relative: "his wife, Bethany," names a person.
RELATIVE_NOUNS = frozenset({"wife", "husband", "son", "daughter", "mother", "father", "brother",
                            "sister", "girlfriend", "boyfriend", "fiancee", "fiancée", "fiance",
                            "grandson", "granddaughter", "grandmother", "grandfather",
                            "aunt", "uncle", "nephew", "niece", "cousin", "stepson",
                            "stepdaughter", "widow", "widower", "child"})
#: First words of numbered roads ("Highway 19", "Route 128", "Exit 6").
ROAD_WORDS = frozenset({"highway", "hwy", "route", "rt", "interstate", "i", "exit", "state",
                        "county", "us", "u.s.", "sr", "fm", "road", "loop", "junction"})
LANGUAGE_CUES = frozenset({"speak", "speaks", "spoke", "spoken", "speaking", "fluent", "translate",
                           "translated", "learn", "learning", "teach", "teaching", "dub", "dubbed"})

#: AP-style abbreviations of US states, common in US news ("Kan.", "W.Va.").
US_STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas", "Kans.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nebr.": "Nebraska", "Nev.": "Nevada",
    "N.H.": "New Hampshire", "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York",
    "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon",
    "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina",
    "S.D.": "South Dakota", "Tenn.": "Tennessee", "Tex.": "Texas", "Vt.": "Vermont",
    "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia", "W. Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wisc.": "Wisconsin", "Wyo.": "Wyoming", "D.C.": "District of Columbia",
}
#: Canadian Press abbreviations of the provinces ("Red Deer, Alta.", "B.C.").
CA_PROVINCE_ABBREVIATIONS = {
    "Alta.": "Alberta", "B.C.": "British Columbia", "Man.": "Manitoba", "N.B.": "New Brunswick",
    "Nfld.": "Newfoundland and Labrador", "N.L.": "Newfoundland and Labrador",
    "N.S.": "Nova Scotia", "Ont.": "Ontario", "P.E.I.": "Prince Edward Island", "Que.": "Quebec",
    "Sask.": "Saskatchewan", "N.W.T.": "Northwest Territories",
}
#: Abbreviations of states and provinces, spaces removed ("W.Va." for "W. Va."), to their names.
REGION_ABBREVIATIONS = {k.replace(" ", ""): v for table in (US_STATE_ABBREVIATIONS,
                                                             CA_PROVINCE_ABBREVIATIONS)
                        for k, v in table.items()}
#: How the people or adjective of a place is made from its name: (ending of the demonym,
#: ending of the name). "Minnesotans" → Minnesota, "Ohioans" → Ohio, "Texan" → Texas,
#: "European" → Europe, "Asian" → Asia, "Sudanese" → Sudan.
_DEMONYM_ENDINGS = (("ians", "ia"), ("ian", "ia"), ("ans", "a"), ("an", "a"), ("ans", ""),
                    ("an", ""), ("ns", ""), ("n", ""), ("an", "e"), ("ans", "e"), ("n", "s"),
                    ("ns", "s"), ("ese", ""), ("ese", "a"), ("is", ""), ("i", ""))


def demonym_stems(word: str) -> list[str]:
    """Place names a demonym or place adjective may be made from, most likely first.

    >>> demonym_stems("Minnesotans")[0], demonym_stems("Texan")[-1]
    ('Minnesota', 'Texas')
    """
    out: list[str] = []
    for ending, base in _DEMONYM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: len(word) - len(ending)] + base
            if stem not in out and stem != word:
                out.append(stem)
    return out
