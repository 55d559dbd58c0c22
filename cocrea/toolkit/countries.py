"""Countries the repository uses: ISO 3166-1 alpha-2 code → (Spanish, English)."""

COUNTRIES: dict[str, tuple[str, str]] = {
    "AR": ("Argentina", "Argentina"),
    "BR": ("Brasil", "Brazil"),
    "CL": ("Chile", "Chile"),
    "CO": ("Colombia", "Colombia"),
    "CR": ("Costa Rica", "Costa Rica"),
    "EE": ("Estonia", "Estonia"),
    "ES": ("España", "Spain"),
    "FR": ("Francia", "France"),
    "GB": ("Reino Unido", "United Kingdom"),
    "IS": ("Islandia", "Iceland"),
    "KE": ("Kenia", "Kenya"),
    "KR": ("Corea del Sur", "South Korea"),
    "MX": ("México", "Mexico"),
    "PE": ("Perú", "Peru"),
    "PY": ("Paraguay", "Paraguay"),
    "TW": ("Taiwán", "Taiwan"),
    "US": ("Estados Unidos", "United States"),
    "UY": ("Uruguay", "Uruguay"),
    "XX": ("Internacional", "International"),
}
