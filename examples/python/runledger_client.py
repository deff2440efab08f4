#!/usr/bin/env python3
"""A runledger client for supervisors written in Python, using only the standard library.

It talks to `runledger serve` (README "runledger serve"). Every call returns only after the
server has fdatasync'd the event; a refused call raises RunledgerError with the server's typed
error code, field and value, and wrote nothing.

    client = RunledgerClient("http://127.0.0.1:7340")
    run = client.start_run("my-project", {"llm": {"provider": "openai", "model": "gpt-4o", "temperature": 0.2}})
    run.start_issue(42, title="Add login endpoint")
    agent_id = run.start_agent("coding")
    call_id = run.start_tool_call("run_tests")
    run.end_tool_call(call_id, success=True)
    usage = run.record_token_usage(model="gpt-4o", input_tokens=1500, output_tokens=800)
    run.finalize_issue(42, "completed")
    run.finalize("completed")

Keyword arguments are the library's argument names in snake_case (input_tokens -> inputTokens).
Arguments left out (or None) are not sent, so the library's defaults apply.

Run as a script, it records a small example run and prints what it did as JSON:

    python3 runledger_client.py --url http://127.0.0.1:7340 [--token-file FILE] [--run-id ID]
"""

import argparse
import json
import os
import urllib.error
import urllib.request


class RunledgerError(Exception):
    """A refusal from the server: `code` is the library's typed error code (EVENT_INVALID, ...)."""

    def __init__(self, status, error, body=None):
        super().__init__("%s (%s): %s" % (error.get("code"), status, error.get("message")))
        self.status = status
        self.code = error.get("code")
        self.field = error.get("field")
        self.value = error.get("value")
        self.error = error
        # For a batch: how many items were durable, their results, and the refused item's index.
        self.body = body or {}
        self.applied = self.body.get("applied")
        self.results = self.body.get("results")
        self.index = error.get("index")


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _args(kwargs):
    return {_camel(key): value for key, value in kwargs.items() if value is not None}


class RunledgerClient:
    def __init__(self, url, token=None, timeout=60.0):
        self.url = url.rstrip("/")
        self.token = token if token is not None else os.environ.get("RUNLEDGER_SERVE_TOKEN")
        self.timeout = timeout

    def request(self, method, path, body=None, ndjson=None):
        headers = {"Accept": "application/json"}
        data = None
        if ndjson is not None:
            data = "".join(json.dumps(item) + "\n" for item in ndjson).encode("utf-8")
            headers["Content-Type"] = "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as failure:
            text = failure.read().decode("utf-8", "replace")
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            error = parsed.get("error") if isinstance(parsed, dict) else None
            if not isinstance(error, dict):
                # Not runledger's answer (a proxy in between?): keep what was said.
                error = {"code": "HTTP_%d" % failure.code, "message": text}
                parsed = {}
            raise RunledgerError(failure.code, error, parsed) from None

    def health(self):
        return self.request("GET", "/health")

    def start_run(self, project_id, config, run_id=None, lock_stale_ms=None):
        body = {"projectId": project_id, "config": config}
        body.update(_args({"run_id": run_id, "lock_stale_ms": lock_stale_ms}))
        return Run(self, self.request("POST", "/runs", body)["runId"])

    def resume_run(self, run_id, lock_wait_ms=None):
        self.request("POST", "/runs/%s/resume" % run_id, _args({"lock_wait_ms": lock_wait_ms}))
        return Run(self, run_id)


class Run:
    """One open run on the server. Each method is the collector call of the same name."""

    def __init__(self, client, run_id):
        self.client = client
        self.run_id = run_id

    def call(self, name, **kwargs):
        """Any collector call by its library name, e.g. call("recordError", kind=..., message=...)."""
        path = "/runs/%s/calls" % self.run_id
        return self.client.request("POST", path, {"call": name, "args": _args(kwargs)})["result"]

    def batch(self, calls):
        """Several calls in one request: [(name, {kwargs}), ...]. Returns their results.

        The server applies them in order and stops at the first refused one; RunledgerError then
        says which (`index`), and `applied` / `results` hold the durable ones before it.
        """
        items = [{"call": name, "args": _args(kwargs)} for name, kwargs in calls]
        return self.client.request("POST", "/runs/%s/calls" % self.run_id, ndjson=items)["results"]

    def start_issue(self, issue_id, title=None, labels=None):
        return self.call("startIssue", issue_id=issue_id, title=title, labels=labels)

    def start_agent(self, agent_type, issue_id=None):
        return self.call("startAgent", agent_type=agent_type, issue_id=issue_id)

    def finalize_agent(self, success, agent_id=None, error=None):
        return self.call("finalizeAgent", success=success, agent_id=agent_id, error=error)

    def start_tool_call(self, tool, issue_id=None, agent_id=None):
        return self.call("startToolCall", tool=tool, issue_id=issue_id, agent_id=agent_id)

    def end_tool_call(self, call_id, success, error=None):
        return self.call("endToolCall", call_id=call_id, success=success, error=error)

    def record_token_usage(self, **usage):
        return self.call("recordTokenUsage", **usage)

    def record_pipeline(self, **pipeline):
        return self.call("recordPipeline", **pipeline)

    def record_debugging_cycle(self, **cycle):
        return self.call("recordDebuggingCycle", **cycle)

    def record_error(self, kind, message, recoverable, **more):
        return self.call("recordError", kind=kind, message=message, recoverable=recoverable, **more)

    def finalize_issue(self, issue_id, status, code=None):
        return self.call("finalizeIssue", issue_id=issue_id, status=status, code=code)

    def finalize(self, status="completed", reason=None):
        return self.client.request("POST", "/runs/%s/finalize" % self.run_id, _args({"status": status, "reason": reason}))

    def status(self):
        return self.client.request("GET", "/runs/%s" % self.run_id)


def example_run(client, run_id=None):
    """A supervisor's run in miniature: one issue, one agent, a tool call, tokens, a batch, a refusal."""
    config = {"llm": {"provider": "openai", "model": "gpt-4o", "temperature": 0.2}, "maxRetries": 3}
    run = client.start_run("python-supervisor", config, run_id=run_id)
    run.start_issue(42, title="Add login endpoint", labels=["backend"])
    agent_id = run.start_agent("coding")
    call_id = run.start_tool_call("run_tests")
    run.end_tool_call(call_id, success=False, error="2 failing tests")
    usage = run.record_token_usage(model="gpt-4o", provider="openai", input_tokens=1500, output_tokens=800, cache_read_tokens=1000)
    try:
        run.record_token_usage(model="gpt-4o", input_tokens=-5, output_tokens=1)
        refused = None
    except RunledgerError as error:
        refused = {"code": error.code, "field": error.field, "value": error.value}
    batch = run.batch([
        ("recordDebuggingCycle", {"trigger": "test_failure", "resolved": True, "failing_tests": 2}),
        ("recordPipeline", {"pipeline_id": "ci-1", "commit_sha": "abc123", "status": "success", "triggered_by": "push"}),
        ("finalizeAgent", {"success": True}),
    ])
    run.finalize_issue(42, "completed", code={"filesModified": 3, "linesAdded": 120, "testsAdded": 4})
    finished = run.finalize("completed")
    return {
        "runId": run.run_id,
        "agentId": agent_id,
        "callId": call_id,
        "costUsd": usage["cost"]["totalUsd"] if usage["cost"] else None,
        "refused": refused,
        "batchResults": batch,
        "finished": finished,
    }


def main():
    parser = argparse.ArgumentParser(description="Record an example run through runledger serve.")
    parser.add_argument("--url", default="http://127.0.0.1:7340")
    parser.add_argument("--token-file")
    parser.add_argument("--run-id")
    options = parser.parse_args()
    token = None
    if options.token_file:
        with open(options.token_file, encoding="utf-8") as handle:
            token = handle.read().strip()
    print(json.dumps(example_run(RunledgerClient(options.url, token=token), options.run_id)))


if __name__ == "__main__":
    main()
