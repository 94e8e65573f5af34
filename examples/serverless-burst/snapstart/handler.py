"""SnapStart variant of the serverless-burst demo handler (Python 3.14, standard library + boto3 of the runtime).

The model is fetched and loaded during Init, which Lambda SnapStart runs ONCE when the version is
published; every new execution environment then resumes from the snapshot with the model in memory
(no S3 download, no parse on the cold path). The pure functions (load_model, features_of, predict)
are the same model code as handler/model.mjs and are tested locally (test/serverless/snapstart-example.test.ts).

After a restore, anything unique per environment must be created again: this handler keeps none
(boto3 clients re-resolve credentials on their own), so it registers no after-restore hook.
"""
import gzip
import hashlib
import io
import json
import math
import os
import tarfile


def digest_of(data: bytes) -> str:
    """`sha256:<hex>`, the digest format of ModelArtifact."""
    return 'sha256:' + hashlib.sha256(data).hexdigest()


def load_model(data: bytes, digest: str = '', compressed: bool = True) -> dict:
    """Verify the digest (when known), unpack the .tar.gz and read model.json (demo-linear)."""
    if digest and digest_of(data) != digest:
        raise ValueError(f'model digest mismatch: expected {digest}, got {digest_of(data)}; refusing to serve an artifact that is not the deployed one')
    if compressed:
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data)), mode='r:') as archive:
            member = next((m for m in archive.getmembers() if m.isfile() and m.name.endswith('model.json')), None)
            if member is None:
                raise ValueError('model.json not found in the model archive')
            text = archive.extractfile(member).read().decode('utf-8')
    else:
        text = data.decode('utf-8')
    model = json.loads(text)
    if model.get('format') != 'demo-linear' or not isinstance(model.get('weights'), list):
        raise ValueError(f"unsupported model format {json.dumps(model.get('format'))}")
    return model


def features_of(text: str) -> list:
    """Features of a chat message: a stand-in for a tokenizer + encoder (same as model.mjs)."""
    words = len([w for w in text.strip().split() if w])
    return [min(len(text) / 200, 1), min(words / 40, 1), 1 if '?' in text else 0]


def predict(model: dict, text: str) -> dict:
    """sigmoid(w·x + b), plus an intent label (same as model.mjs)."""
    x = features_of(text)
    z = sum(w * (x[i] if i < len(x) else 0) for i, w in enumerate(model['weights'])) + model.get('bias', 0)
    score = 1 / (1 + math.exp(-z))
    return {'score': round(score * 1e4) / 1e4, 'intent': 'question' if score >= 0.5 else 'statement'}


def _fetch_model() -> dict:
    """Init: read the weights the lane's MODEL_* environment points at (runs once, before the snapshot)."""
    import boto3  # in the Lambda Python runtime
    body = boto3.client('s3').get_object(Bucket=os.environ['MODEL_S3_BUCKET'], Key=os.environ['MODEL_S3_KEY'])['Body'].read()
    return load_model(body, os.environ.get('MODEL_DIGEST', ''), os.environ.get('MODEL_COMPRESSED') == 'true')


MODEL = _fetch_model() if os.environ.get('AWS_LAMBDA_FUNCTION_NAME') and os.environ.get('MODEL_S3_BUCKET') else None


def handler(event, context):
    """{"text": "..."} -> {"score", "intent", "model"}."""
    body = event.get('body') if isinstance(event, dict) else None
    request = json.loads(body) if isinstance(body, str) else (event or {})
    text = str(request.get('text', ''))
    return {
        'statusCode': 200,
        'body': json.dumps({**predict(MODEL, text), 'model': f"{os.environ.get('MODEL_NAME')}@{os.environ.get('MODEL_VERSION')}"}),
    }
