/**
 * Provider text shown in an error can echo what it received (a debugging proxy printing the
 * request headers, an API quoting the bad header). Credentials in it are masked before the text
 * reaches an error, a log or an output item.
 */
export function redactCredentials(text: string): string;
export function redactCredentials(text: string | undefined): string | undefined;
export function redactCredentials(text: string | undefined): string | undefined {
	return text
		?.replace(/\b(Bearer|Basic|Digest|Negotiate)(\s+|%20)[\w.~+/=:-]{8,}/gi, '$1$2[redacted]')
		.replace(
			/\b(access_token|refresh_token|client_secret|password|api_?key|token)(["']?\s*[:=]\s*["']?)[^\s"'<>,;&]{4,}/gi,
			'$1$2[redacted]',
		);
}
