"""The AWS stack: DynamoDB tables from the PynamoDB models, the files bucket, the Chalice app
(API + event handlers) and the kiosk PWA behind CloudFront on the same origin as ``/api``."""
from __future__ import annotations

import os
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_s3_notifications as s3n
from chalice.cdk import Chalice
from constructs import Construct

ROOT = Path(__file__).resolve().parents[2]
_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER, "B": dynamodb.AttributeType.BINARY}
_VIEWS = {"NEW_AND_OLD_IMAGES": dynamodb.StreamViewType.NEW_AND_OLD_IMAGES, "OLD_IMAGE": dynamodb.StreamViewType.OLD_IMAGE,
          "NEW_IMAGE": dynamodb.StreamViewType.NEW_IMAGE, "KEYS_ONLY": dynamodb.StreamViewType.KEYS_ONLY}


def _attr(spec: dict, name: str) -> dynamodb.Attribute:
    types = {a["AttributeName"]: a["AttributeType"] for a in spec["AttributeDefinitions"]}
    return dynamodb.Attribute(name=name, type=_TYPES[types[name]])


def _keys(spec: dict, key_schema: list[dict]) -> dict:
    out = {}
    for k in key_schema:
        out["partition_key" if k["KeyType"] == "HASH" else "sort_key"] = _attr(spec, k["AttributeName"])
    return out


class SambungStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        from chalicelib.core.db import table_spec
        from chalicelib.core.settings import get_settings
        from chalicelib.schema import all_tables

        settings = get_settings()
        tables: dict[str, dynamodb.Table] = {}
        for model in all_tables():
            spec = table_spec(model)
            create = spec["create"]
            stream = create.get("StreamSpecification", {}).get("StreamViewType")
            table = dynamodb.Table(
                self, f"Table-{spec['name']}", table_name=create["TableName"],
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                time_to_live_attribute=spec["ttl_attribute"],
                stream=_VIEWS[stream] if stream else None,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
                removal_policy=cdk.RemovalPolicy.RETAIN,
                **_keys(create, create["KeySchema"]),
            )
            for gsi in create.get("GlobalSecondaryIndexes", []):
                table.add_global_secondary_index(index_name=gsi["IndexName"], **_keys(create, gsi["KeySchema"]))
            tables[spec["name"]] = table

        # Stream ARNs go to the app through the environment before Chalice packages it: app.py reads
        # SAMBUNG_<TABLE>_STREAM_ARN in its on_dynamodb_record decorators (a CDK token resolved at deploy).
        for name, table in tables.items():
            if table.table_stream_arn:
                os.environ[f"SAMBUNG_{name.upper()}_STREAM_ARN"] = table.table_stream_arn

        files = s3.Bucket(
            self, "Files", bucket_name=None, encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET], allowed_origins=["*"],
                              allowed_headers=["*"], max_age=3000)],
            lifecycle_rules=[s3.LifecycleRule(prefix="print/", expiration=cdk.Duration.days(30))],
        )

        token_param = f"/sambung/{settings.stage}/token-secret"
        # Where shoppers open receipt and activation links (the CloudFront domain or the merchant's own).
        # A deploy parameter rather than the distribution's domain: the distribution depends on the API,
        # so a Lambda referencing it would close a dependency cycle.
        public_url = cdk.CfnParameter(self, "PublicUrl", type="String", allowed_pattern="^https://[^/]+$",
                                      description="Public HTTPS origin of the kiosk, e.g. https://kasir.tokoanda.id")
        env = {
            "SAMBUNG_STAGE": settings.stage,
            "SAMBUNG_PUBLIC_URL": public_url.value_as_string,
            "SAMBUNG_BUCKET": files.bucket_name,
            "SAMBUNG_TOKEN_SECRET_PARAM": token_param,
        }
        chalice = Chalice(self, "Api", source_dir=str(ROOT), stage_config={
            "api_gateway_stage": "api",
            "lambda_memory_size": 512,
            "environment_variables": env,
        })
        self._stream_settings(chalice)
        # Every function runs as Chalice's DefaultRole but the API's, which alone also writes SSM: an admin
        # saving a merchant's courier or gateway key (core.secrets.put, under the merchant's own name).
        role = chalice.get_role("DefaultRole")
        api_role = iam.Role(self, "ApiHandlerRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                                "service-role/AWSLambdaBasicExecutionRole")])
        chalice.get_resource("APIHandler").add_override("Properties.Role", api_role.role_arn)
        # The tables by their common name prefix: one statement. Granted table by table, DefaultRole's policy
        # came to 24 KB, over IAM's 10 KB for a role's inline policies (the deploy would fail).
        tables_arn = cdk.Arn.format(cdk.ArnComponents(service="dynamodb", resource="table",
                                                      resource_name=f"{settings.table_prefix}-*"), self)
        for each in (role, api_role):
            each.add_to_principal_policy(iam.PolicyStatement(
                actions=[f"dynamodb:{a}" for a in ("BatchGetItem", "Query", "GetItem", "Scan", "ConditionCheckItem",
                                                   "BatchWriteItem", "PutItem", "UpdateItem", "DeleteItem",
                                                   "DescribeTable", "GetRecords", "GetShardIterator")],
                resources=[tables_arn, f"{tables_arn}/index/*"]))
            files.grant_read_write(each)
            # Secrets: only this stage's parameters, read one by one. Every Chalice function reads SSM (its
            # settings load the token secret; handlers read merchants' keys); CDK's helper functions get none.
            each.add_to_principal_policy(iam.PolicyStatement(
                actions=["ssm:GetParameter"], resources=[self._parameters(f"sambung/{settings.stage}/*")]))
        api_role.add_to_principal_policy(iam.PolicyStatement(
            actions=["ssm:PutParameter"], resources=[self._parameters(f"sambung/{settings.stage}/merchants/*")]))
        # A bank account disconnected from SNAP BI: its secrets are removed, not left behind.
        api_role.add_to_principal_policy(iam.PolicyStatement(
            actions=["ssm:DeleteParameter"],
            resources=[self._parameters(f"sambung/{settings.stage}/merchants/*/snap/*")]))
        # The bank feeds' schedule (every minute): a bank that times out is retried with backoff, so a run
        # of several accounts may take longer than the default 60 s.
        chalice.get_resource("FetchBankStatements").add_override("Properties.Timeout", 240)
        # The statement import: a 5k-row file takes seconds; the margin covers a slow day and stays under
        # importer.LEASE_SECONDS. (Chalice reads per-function settings only from .chalice/config.json.)
        chalice.get_resource("ImportStatement").add_override("Properties.Timeout", 300)
        chalice.get_resource("ImportStatement").add_override("Properties.MemorySize", 1024)
        # New statement files invoke it. Chalice's on_s3_event cannot deploy under CDK, and get_function()
        # returns an imported function that cannot grant S3 its invoke permission; imported as
        # same-environment it can, so the notification comes with its Lambda::Permission.
        importer = lambda_.Function.from_function_attributes(
            self, "ImportStatementFunction", function_arn=chalice.get_function("ImportStatement").function_arn,
            same_environment=True)
        files.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(importer),
                                     s3.NotificationKeyFilter(prefix="statements/"))

        # The kiosk PWA and the API on one origin: CloudFront serves the static files and sends /api/* to API Gateway.
        site = s3.Bucket(self, "Kiosk", block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True,
                         encryption=s3.BucketEncryption.S3_MANAGED, removal_policy=cdk.RemovalPolicy.DESTROY,
                         auto_delete_objects=True)
        api_domain = cdk.Fn.sub("${RestAPI}.execute-api.${AWS::Region}.amazonaws.com")
        headers = self._security_headers_policy()
        distribution = cloudfront.Distribution(
            self, "Site",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(site),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=headers),
            additional_behaviors={"/api/*": cloudfront.BehaviorOptions(
                origin=origins.HttpOrigin(api_domain),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                response_headers_policy=headers)},
            error_responses=[cloudfront.ErrorResponse(http_status=404, response_http_status=200,
                                                      response_page_path="/index.html")],
        )
        s3deploy.BucketDeployment(self, "KioskFiles", sources=[s3deploy.Source.asset(str(ROOT / "kiosk_pwa"))],
                                  destination_bucket=site, distribution=distribution)
        cdk.CfnOutput(self, "KioskUrl", value="https://" + distribution.distribution_domain_name)
        cdk.CfnOutput(self, "FilesBucket", value=files.bucket_name)

    def _parameters(self, path: str) -> str:
        return cdk.Arn.format(cdk.ArnComponents(service="ssm", resource="parameter", resource_name=path), self)

    def _security_headers_policy(self) -> cloudfront.ResponseHeadersPolicy:
        """The headers the app's middleware and the local front send (chalicelib.core.security_headers),
        on every page and API answer CloudFront serves, overriding whatever an origin sent. Browsers
        upload statements to S3's endpoint in the region the stack is deployed to."""
        from chalicelib.core import security_headers as sh

        csp = sh.content_security_policy(sh.storage_origin(self.region, None))
        return cloudfront.ResponseHeadersPolicy(
            self, "SecurityHeaders",
            comment="Sambung: CSP without inline script, nosniff, no framing, no referrer, HSTS",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy[sh.REFERRER_POLICY.upper().replace("-", "_")],
                    override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.seconds(sh.HSTS_MAX_AGE_SECONDS), include_subdomains=True,
                    override=True)))

    @staticmethod
    def _stream_settings(chalice: Chalice) -> None:
        """Chalice cannot express these on stream event sources, so patch the SAM events: report
        partial batch failures (handlers return Powertools' batchItemFailures), bisect a failing
        batch, and stop retrying a poison record after a bounded number of attempts."""
        from chalice.app import DynamoDBEventConfig

        import app as sambung  # noqa: PLC0415 - after the stream ARNs are in the environment

        for source in sambung.app.event_sources:
            if not isinstance(source, DynamoDBEventConfig):
                continue
            logical = "".join(part.capitalize() for part in source.name.split("_"))
            event = f"Properties.Events.{logical}DynamodbEventSource.Properties"
            fn = chalice.get_resource(logical)
            fn.add_override(f"{event}.FunctionResponseTypes", ["ReportBatchItemFailures"])
            fn.add_override(f"{event}.BisectBatchOnFunctionError", True)
            fn.add_override(f"{event}.MaximumRetryAttempts", 10)

