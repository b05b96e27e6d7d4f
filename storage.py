"""Where uploaded pictures and PDFs are kept: a folder (default) or S3-compatible object storage.

Several app servers behind one proxy share their uploads through object storage
(STORAGE=s3, S3_BUCKET, S3_ENDPOINT_URL for MinIO and the like, S3_REGION; the
credentials come the usual boto3 way: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY …).
Names are flat (models.Upload makes them: random hex plus suffix); what is stored
is already verified, so a store only keeps bytes.
"""
import os


class FolderStorage:
    """Files in one folder on this machine (one app server, or a shared mount)."""

    def __init__(self, folder):
        self.folder = folder

    def put(self, name, data):
        os.makedirs(self.folder, exist_ok=True)
        # "x": a name is never reused, so an existing file means a bug, not an update.
        with open(self._path(name), "xb") as handle:
            handle.write(data)

    def get(self, name):
        """The stored bytes; FileNotFoundError if there are none."""
        with open(self._path(name), "rb") as handle:
            return handle.read()

    def delete(self, name):
        """Remove name if it is there (deleting twice is harmless)."""
        try:
            os.remove(self._path(name))
        except FileNotFoundError:
            pass

    def names(self):
        """Every stored name."""
        if not os.path.isdir(self.folder):
            return []
        return sorted(entry.name for entry in os.scandir(self.folder) if entry.is_file())

    def _path(self, name):
        if not name or os.path.basename(name) != name or name.startswith("."):
            raise ValueError(f"not a stored name: {name!r}")
        return os.path.join(self.folder, name)


class S3Storage:
    """Objects in one bucket of an S3-compatible store (MinIO, Ceph, a cloud's object storage)."""

    def __init__(self, bucket, endpoint_url=None, region=None, client=None):
        if client is None:
            import boto3   # only deployments that use object storage need boto3
            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)
        self.client, self.bucket = client, bucket

    def put(self, name, data):
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data)

    def get(self, name):
        """The stored bytes; FileNotFoundError if there are none."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(name) from None

    def delete(self, name):
        """Remove name if it is there (S3 answers a missing key with success too)."""
        self.client.delete_object(Bucket=self.bucket, Key=name)

    def names(self):
        """Every stored name (listed a page of 1000 at a time)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def from_config(config):
    """The storage a configuration names: STORAGE=folder (UPLOAD_FOLDER) or STORAGE=s3."""
    kind = config.get("STORAGE") or "folder"
    if kind == "folder":
        return FolderStorage(config["UPLOAD_FOLDER"])
    if kind == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for MinIO or another "
                               "S3-compatible store).")
        return S3Storage(config["S3_BUCKET"], config.get("S3_ENDPOINT_URL"), config.get("S3_REGION"))
    raise RuntimeError(f"STORAGE must be 'folder' or 's3', not {kind!r}")
