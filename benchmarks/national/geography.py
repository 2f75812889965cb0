"""Denmark's 98 municipalities in 5 regions, with the real DST codes.

`weight` is a rough relative volume of social housing (the big cities and the
western Copenhagen suburbs carry most of it), used to place afdelinger and
areas; `lon`/`lat` is roughly the municipality's main town, used to place the
invented area outlines. Names and codes are public facts; the weights and
everything placed with them are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

REGIONS = {
    1081: ("nordjylland", "Region Nordjylland"),
    1082: ("midtjylland", "Region Midtjylland"),
    1083: ("syddanmark", "Region Syddanmark"),
    1084: ("hovedstaden", "Region Hovedstaden"),
    1085: ("sjaelland", "Region Sjælland"),
}


@dataclass(frozen=True)
class Municipality:
    code: int
    name: str
    region: int
    weight: float
    lon: float
    lat: float


_TABLE = """
101 København 1084 60 12.57 55.68
147 Frederiksberg 1084 6 12.53 55.68
151 Ballerup 1084 5 12.36 55.73
153 Brøndby 1084 7 12.42 55.65
155 Dragør 1084 0.5 12.67 55.59
157 Gentofte 1084 2 12.55 55.75
159 Gladsaxe 1084 6 12.49 55.73
161 Glostrup 1084 3 12.40 55.67
163 Herlev 1084 3 12.44 55.73
165 Albertslund 1084 6 12.35 55.66
167 Hvidovre 1084 6 12.47 55.63
169 Høje-Taastrup 1084 6 12.27 55.65
173 Lyngby-Taarbæk 1084 3 12.50 55.77
175 Rødovre 1084 4 12.45 55.68
183 Ishøj 1084 5 12.35 55.61
185 Tårnby 1084 3 12.60 55.63
187 Vallensbæk 1084 1.5 12.37 55.62
190 Furesø 1084 2.5 12.36 55.78
201 Allerød 1084 1 12.36 55.87
210 Fredensborg 1084 3 12.40 55.97
217 Helsingør 1084 5 12.59 56.03
219 Hillerød 1084 3.5 12.31 55.93
223 Hørsholm 1084 1.5 12.50 55.88
230 Rudersdal 1084 1.5 12.49 55.82
240 Egedal 1084 1 12.27 55.78
250 Frederikssund 1084 2 12.07 55.84
260 Halsnæs 1084 1.5 11.98 55.97
270 Gribskov 1084 1 12.20 56.05
400 Bornholm 1084 2 14.85 55.10
253 Greve 1085 3 12.29 55.58
259 Køge 1085 4 12.18 55.46
265 Roskilde 1085 5 12.08 55.64
269 Solrød 1085 1 12.22 55.53
306 Odsherred 1085 1.5 11.60 55.88
316 Holbæk 1085 4 11.71 55.72
320 Faxe 1085 1.5 12.12 55.26
326 Kalundborg 1085 3 11.09 55.68
329 Ringsted 1085 2.5 11.79 55.44
330 Slagelse 1085 5 11.35 55.40
336 Stevns 1085 0.8 12.30 55.33
340 Sorø 1085 1.5 11.56 55.43
350 Lejre 1085 0.8 11.97 55.60
360 Lolland 1085 2.5 11.50 54.77
370 Næstved 1085 5 11.76 55.23
376 Guldborgsund 1085 3 11.87 54.77
390 Vordingborg 1085 2 11.91 55.01
410 Middelfart 1083 2 9.73 55.51
420 Assens 1083 1.5 9.90 55.27
430 Faaborg-Midtfyn 1083 2 10.24 55.10
440 Kerteminde 1083 1.2 10.66 55.45
450 Nyborg 1083 2 10.79 55.31
461 Odense 1083 20 10.39 55.40
479 Svendborg 1083 3 10.61 55.06
480 Nordfyns 1083 1 10.20 55.50
482 Langeland 1083 0.6 10.72 54.93
492 Ærø 1083 0.3 10.41 54.88
510 Haderslev 1083 3 9.49 55.25
530 Billund 1083 1 9.11 55.73
540 Sønderborg 1083 4 9.79 54.91
550 Tønder 1083 1.5 8.86 54.93
561 Esbjerg 1083 8 8.45 55.47
563 Fanø 1083 0.2 8.40 55.42
573 Varde 1083 2 8.48 55.62
575 Vejen 1083 1.5 9.15 55.48
580 Aabenraa 1083 3 9.42 55.04
607 Fredericia 1083 4 9.75 55.57
621 Kolding 1083 6 9.47 55.49
630 Vejle 1083 6 9.53 55.71
615 Horsens 1082 6 9.85 55.86
657 Herning 1082 5 8.98 56.14
661 Holstebro 1082 3.5 8.62 56.36
665 Lemvig 1082 0.8 8.31 56.55
671 Struer 1082 1 8.59 56.49
706 Syddjurs 1082 1.5 10.52 56.31
707 Norddjurs 1082 2 10.90 56.41
710 Favrskov 1082 1.5 10.03 56.31
727 Odder 1082 1 10.15 55.97
730 Randers 1082 8 10.04 56.46
740 Silkeborg 1082 4 9.55 56.17
741 Samsø 1082 0.2 10.60 55.87
746 Skanderborg 1082 2 9.93 56.03
751 Aarhus 1082 35 10.20 56.16
756 Ikast-Brande 1082 2 9.15 56.14
760 Ringkøbing-Skjern 1082 2 8.24 56.09
766 Hedensted 1082 1.5 9.70 55.77
779 Skive 1082 2.5 9.03 56.57
791 Viborg 1082 4 9.40 56.45
773 Morsø 1081 1 8.73 56.79
787 Thisted 1081 2 8.69 56.96
810 Brønderslev 1081 1.5 9.94 57.27
813 Frederikshavn 1081 3 10.54 57.44
820 Vesthimmerlands 1081 1.5 9.37 56.80
825 Læsø 1081 0.1 11.00 57.27
840 Rebild 1081 1 9.83 56.83
846 Mariagerfjord 1081 2 9.98 56.65
849 Jammerbugt 1081 1.5 9.57 57.14
851 Aalborg 1081 20 9.92 57.05
860 Hjørring 1081 3 9.98 57.46
"""


def municipalities() -> list[Municipality]:
    """The 98 municipalities in code order."""
    rows = []
    for line in _TABLE.strip().splitlines():
        code, name, region, weight, lon, lat = line.split()
        rows.append(Municipality(int(code), name, int(region), float(weight), float(lon),
                                 float(lat)))
    return sorted(rows, key=lambda m: m.code)
