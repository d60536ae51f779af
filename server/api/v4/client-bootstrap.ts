/**
 * @module api/v4/client-bootstrap
 * What official Mattermost clients read before anything else:
 * `GET /api/v4/config/client?format=old` (the client configuration, every
 * value a string) and `GET /api/v4/license/client?format=old` (Sitrep has
 * no license: `IsLicensed: "false"`). Both are readable without signing in,
 * as in Mattermost, and hold nothing secret. Any other `format` than `old`,
 * or none, is a 400 naming the field (Mattermost answers 501 for none: every
 * route here answers a caller's mistake with a 4xx).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { LIMITS } from "#common/limits.ts";
import type { Host } from "../../host.ts";
import { AVAILABLE_LOCALES, workspaceHasUsers } from "../../services/users.ts";
import { hostRoute } from "../route.ts";
import { passwordLoginOpen } from "../../auth/oidc.ts";
import { MATTERMOST_VERSION } from "../server-version.ts";
/** Mattermost's default upload limit, Sitrep's too (`SITREP_MAX_FILE_MB`, 50 MB). */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Only Mattermost's `format=old` is served (Mattermost answers 501 without it; here a 400 names the field). */
const formatQuery = z.object({ format: z.literal("old", "must be old") });

/** `GET /api/v4/config/client` and `GET /api/v4/license/client`. */
export function registerClientBootstrapRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/config/client",
    access: "none",
    summary: "The client configuration (format=old: every value a string), for official clients to start",
    query: formatQuery,
    invalidId: "api.context.invalid_param.app_error",
    response: z.record(z.string(), z.string()),
    handler: async () => {
      const passwordOpen = await passwordLoginOpen(host);
      const password = String(passwordOpen);
      const signUp = String(host.config.openSignup);
      const oidc = host.config.oidc;
      // Mattermost's NoAccounts: the sign-up page says the first account becomes the system admin.
      const hasUsers = await workspaceHasUsers(host);
      return {
        NoAccounts: String(!hasUsers),
        SiteURL: host.config.siteUrl,
        SiteName: "Sitrep",
        Version: MATTERMOST_VERSION,
        BuildNumber: "sitrep",
        BuildDate: "",
        BuildHash: "sitrep",
        BuildHashEnterprise: "none",
        BuildEnterpriseReady: "false",
        DiagnosticsEnabled: "false",
        TelemetryId: "",
        DefaultClientLocale: "en",
        AvailableLocales: AVAILABLE_LOCALES.join(","),
        EnableSignUpWithEmail: String(host.config.openSignup && passwordOpen),
        EnableOpenServer: signUp,
        EnableUserCreation: "true",
        EnableSignInWithEmail: password,
        EnableSignInWithUsername: password,
        EnableLdap: "false",
        EnableSaml: "false",
        EnableSignUpWithGitLab: "false",
        EnableSignUpWithGoogle: "false",
        EnableSignUpWithOffice365: "false",
        EnableSignUpWithOpenId: String(oidc !== undefined),
        OpenIdButtonText: oidc ? `Sign in with ${oidc.name}` : "",
        EnableMultifactorAuthentication: "false",
        EnforceMultifactorAuthentication: "false",
        EnableCommands: "true",
        EnableOnlyAdminIntegrations: "false",
        EnableIncomingWebhooks: "true",
        EnableOutgoingWebhooks: "false",
        EnablePostUsernameOverride: "true",
        EnablePostIconOverride: "true",
        // System admins create bots (`POST /api/v4/bots`).
        EnableBotAccountCreation: "true",
        EnableUserAccessTokens: "true",
        EnableCustomEmoji: "false",
        EnableFileAttachments: "true",
        MaxFileSize: String(MAX_FILE_BYTES),
        MaxPostSize: String(LIMITS.postMessageMax),
        PluginsEnabled: "true",
        RestrictDirectMessage: "any",
        TeammateNameDisplay: "username",
        ShowEmailAddress: "false",
        ShowFullName: "true",
        EnableUserTypingMessages: "true",
        TimeBetweenUserTypingUpdatesMilliseconds: "5000",
        EnableChannelViewedMessages: "true",
        ExperimentalEnablePostMetadata: "true",
        CollapsedThreads: "disabled",
        WebsocketURL: "",
        WebsocketPort: "80",
        WebsocketSecurePort: "443",
        IsDefaultMarketplace: "false",
        EnableMarketplace: "false",
      };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/license/client",
    access: "none",
    summary: "The client license (format=old): Sitrep is not licensed",
    query: formatQuery,
    invalidId: "api.context.invalid_param.app_error",
    response: z.object({ IsLicensed: z.literal("false") }),
    handler: async () => {
      return { IsLicensed: "false" };
    },
  });
}
