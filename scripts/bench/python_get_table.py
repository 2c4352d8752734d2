"""get-table's job in Python, as a Lambda function would do it with the
Python runtime (boto3 imported and the client built at init, the handler
called per event), for comparison in the cold-start benchmark.

Two consistent GetItems (the table token, then its restaurant) and the same
JSON answer as the Rust function. Run as the bootstrap of a custom runtime:
the loop at the bottom is the Python runtime's in miniature (poll /next,
call the handler, post the response).
"""

import json
import os
import urllib.request

import boto3

TABLE = os.environ["TABLETAP_TABLE_NAME"]
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    token = event["pathParameters"]["token"]
    found = dynamodb.get_item(
        TableName=TABLE,
        Key={"pk": {"S": f"TOKEN#{token}"}, "sk": {"S": "TOKEN"}},
        ConsistentRead=True,
    ).get("Item")
    if not found or found["state"]["S"] != "active":
        return {"statusCode": 404, "body": json.dumps({"code": "table_not_found"})}
    restaurant_id = found["restaurant_id"]["S"]
    restaurant = dynamodb.get_item(
        TableName=TABLE,
        Key={"pk": {"S": f"R#{restaurant_id}"}, "sk": {"S": "RESTAURANT"}},
        ConsistentRead=True,
    )["Item"]
    body = {
        "restaurant": {
            "id": restaurant_id,
            "name": restaurant["name"]["S"],
            "currency": restaurant["currency"]["S"],
            "locale": restaurant["locale"]["S"],
            "time_zone": restaurant["time_zone"]["S"],
            "tax_mode": restaurant["tax_mode"]["S"],
        },
        "table": {"id": found["id"]["S"], "label": found["label"]["S"]},
    }
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(body),
    }


def main():
    api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation"
    while True:
        with urllib.request.urlopen(api + "/next") as response:
            request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(response.read())
        answer = json.dumps(handler(event, None)).encode()
        urllib.request.urlopen(
            urllib.request.Request(api + f"/{request_id}/response", data=answer, method="POST")
        ).read()


if __name__ == "__main__":
    main()
