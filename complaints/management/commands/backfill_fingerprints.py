"""Give photos stored before the fake-fix guard's fingerprints their centre hash (the migration
backfilled the whole-picture hash from the stored phash; the centre hash needs the picture).
Idempotent and resumable: photos that have one are skipped. Reads the thumbnails (480 px:
the hashes are taken from 256 px anyway), not the originals."""

from django.core.management.base import BaseCommand
from PIL import Image

from complaints import neardup
from complaints.models import Photo, PhotoFingerprint


class Command(BaseCommand):
    help = "Compute the near-duplicate fingerprints of photos stored before they existed."

    def handle(self, *args, **options):
        done = failed = 0
        todo = Photo.objects.exclude(fingerprints__kind=PhotoFingerprint.Kind.CENTRE).order_by("pk")
        for photo in todo.iterator(chunk_size=500):
            try:
                with photo.thumbnail.open("rb") as fh:
                    hashes = neardup.hashes_of(Image.open(fh).convert("RGB"))
            except (OSError, ValueError):
                failed += 1
                continue
            rows = neardup.fingerprints(photo, hashes)
            if photo.fingerprints.filter(kind=PhotoFingerprint.Kind.WHOLE).exists():
                rows = [r for r in rows if r.kind == PhotoFingerprint.Kind.CENTRE]
            PhotoFingerprint.objects.bulk_create(rows)
            done += 1
        self.stdout.write(self.style.SUCCESS(f"{done} photos fingerprinted, {failed} unreadable."))
