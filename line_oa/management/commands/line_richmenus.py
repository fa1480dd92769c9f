"""Create or update the LINE rich menus (idempotent: safe to run on every deploy)."""

from django.core.management.base import BaseCommand

from line_oa import richmenu


class Command(BaseCommand):
    help = "สร้าง/ปรับริชเมนู LINE ตามโค้ด (รันซ้ำได้) และผูกเมนูผู้ประสานงานกับผู้ที่ลงทะเบียนแล้ว"

    def add_arguments(self, parser):
        parser.add_argument("--relink", action="store_true", help="link every registered coordinator again")
        parser.add_argument("--preview", metavar="DIR", help="only write the menu images as PNG files into DIR")

    def handle(self, *args, relink=False, preview=None, **options):
        if preview:
            from pathlib import Path

            for audience in ("guest", "coordinator"):
                path = Path(preview) / f"richmenu-{audience}.png"
                path.write_bytes(richmenu.image(audience))
                self.stdout.write(str(path))
            return
        for audience, what in richmenu.sync(relink=relink).items():
            self.stdout.write(f"{audience}: {what}")
