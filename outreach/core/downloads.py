"""Files to download: CSV for a Dutch spreadsheet."""
import csv
import io

from flask import Response


def csv_download(header, rows, filename):
    """A CSV attachment for a Dutch spreadsheet: UTF-8 with BOM, ';', no cell that would run as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in row] for row in rows])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
