"""The baseline for bench.replicas: a bare Bolt app answering a DM from a dict, served like posting-bot."""

import os

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

ANSWERS = {"salary": "The base salary is 100,000-150,000 USD a year."}
client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_BASE_URL"])
app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])


@app.event("message")
def answer(event: dict[str, str]) -> None:
    text = ANSWERS.get("salary" if "salary" in event.get("text", "") else "", "Sorry, I don't know.")
    client.chat_postMessage(channel=event["channel"], text=text)


handler = SlackRequestHandler(app)
waitress.serve(handler, listen=f"127.0.0.1:{os.environ['PORT']}", threads=8, _quiet=True)
