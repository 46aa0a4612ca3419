def test_latest_checkpoint_is_the_signed_note_as_text(published, api):
    _case, checkpoint = published
    response = api.get("/api/v1/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    note = response.content.decode()
    assert note == checkpoint.note
    lines = note.split("\n")
    assert lines[1] == str(checkpoint.size)
    assert "\n\n\u2014 " in note  # C2SP signature lines start with an em dash
    assert response["Cache-Control"] == "private, max-age=10"
    assert int(response["Hashbank-Min-Wait"]) > 0


def test_unchanged_checkpoint_answers_304_to_its_etag(published, api):
    etag = api.get("/api/v1/checkpoint")["ETag"]
    assert api.get("/api/v1/checkpoint", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_fetching_the_checkpoint_records_the_pull(published, api, member):
    _case, checkpoint = published
    api.get("/api/v1/checkpoint")
    body = api.get("/api/v1/sync").json()
    assert body["last_pulled_size"] == checkpoint.size
    assert body["latest_size"] == checkpoint.size
    assert body["pull_lag"] == 0 and body["min_wait"] > 0


def test_no_checkpoint_yet_is_a_coded_404(api):
    response = api.get("/api/v1/checkpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_checkpoint"
