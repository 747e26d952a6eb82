"""Forms of the indicators' back office: an indicator of the catalogue, and the upload of a file of
values with the same options as ``manage.py import_indicators``. The rules are indicators.services'."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.importing import LEVELS, ImportOptions
from indicators.models import YEAR_MAX, YEAR_MIN, Direction
from measures.backoffice.forms import OfficeForm
from measures.models import Dimension

UPLOAD_MAX_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".gpkg", ".geojson", ".json", ".zip", ".dbf", ".fgb")


class IndicatorForm(OfficeForm):
    key = forms.CharField(
        label=_("Key"),
        max_length=60,
        help_text=_("Its name in files and in the API, e.g. sgb2_quote; cannot be changed later."),
    )
    name_de = forms.CharField(label=_("Name (German)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=50, help_text=_("e.g. %, days, per 1,000 inhabitants"))
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    licence = forms.CharField(label=_("Licence"), required=False, max_length=200)
    reference_date = forms.DateField(
        label=_("Reference date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    illustrative = forms.BooleanField(
        label=_("Illustrative data (demo or test data, labelled wherever shown)"), required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]

    def service_values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MappingField(forms.CharField):
    """``column=indicator_key`` pairs, one per line (or separated by commas)."""

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        pairs: dict[str, str] = {}
        for part in (p.strip() for p in text.replace(",", "\n").splitlines()):
            if not part:
                continue
            column, sep, key = part.rpartition("=")
            if not sep or not column.strip() or not key.strip():
                raise ValidationError(
                    _("Write each pair as column=indicator_key: “%(part)s”."), params={"part": part[:60]}
                )
            pairs[column.strip()] = key.strip()
        return pairs

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(f"{c}={k}" for c, k in value.items()) if isinstance(value, dict) else value


class UploadForm(OfficeForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, XLSX, GeoPackage, GeoJSON or another format GDAL reads (attributes only); at most 50 MB."
        ),
    )
    code_column = forms.CharField(label=_("Column of the area codes"), max_length=100, initial="code")
    level = forms.ChoiceField(
        label=_("Level of the codes"),
        required=False,
        choices=[("", _("each code's only level")), *((k, level.label) for k, level in LEVELS.items())],
    )
    mapping = MappingField(
        label=_("Columns → indicators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One column=indicator_key per line; empty: the columns named after indicator keys."),
    )
    year = forms.IntegerField(
        label=_("Year of every value"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    year_column = forms.CharField(
        label=_("Column of the year"), required=False, max_length=100, help_text=_("instead of one year")
    )
    quality_column = forms.CharField(
        label=_("Column of the quality (optional)"), required=False, max_length=100
    )
    decimal = forms.ChoiceField(
        label=_("Decimal separator"),
        choices=[
            ("auto", _("recognise (12,5 and 12.5; 1.234 is listed as ambiguous)")),
            ("comma", _("comma: 1.234,5 (German)")),
            ("point", _("point: 1,234.5 (English)")),
        ],
        initial="auto",
    )
    layer = forms.CharField(
        label=_("Sheet or layer (optional)"),
        required=False,
        max_length=200,
        help_text=_("if the file has several"),
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid values and skip the invalid ones"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(UPLOAD_SUFFIXES):
            raise ValidationError(_("Upload a CSV, XLSX, GeoPackage, GeoJSON or zipped Shapefile."))
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than 50 MB; import it with manage.py import_indicators.")
            )
        return upload

    def clean(self):
        data = super().clean()
        if (data.get("year") is None) == (not data.get("year_column")):
            self.add_error("year_column", _("Give either the year of every value or the column of the year."))
        return data

    def options(self) -> ImportOptions:
        d = self.cleaned_data
        return ImportOptions(
            code_column=d["code_column"].strip(),
            level=d["level"] or None,
            columns=d["mapping"],
            year=d["year"],
            year_column=(d["year_column"] or "").strip() or None,
            quality_column=(d["quality_column"] or "").strip() or None,
            decimal=d["decimal"],
            layer=(d["layer"] or "").strip() or None,
        )
