export { lookupNpi, lookupNpis, searchProviders, nppesBaseUrl, DEFAULT_NPPES_URL, NPPES_URL_ENV } from './nppes-client.js';
export type { NppesClientOptions } from './nppes-client.js';
export { formatProvider, formatProviderDetails, summarizeProvider, providerName } from './format-provider.js';
export { resolveProviderName, findProvidersByName, parsePickValues, parsePersonName } from './resolve-provider-name.js';
export type { ProviderNameQuery, ResolveProviderOptions } from './resolve-provider-name.js';
export { describeSearchedNpis } from './describe-searched-npis.js';
export type { SearchedNpisDescription } from './describe-searched-npis.js';
export type { NppesProvider, ProviderQuery, ProviderSummary } from './nppes-types.js';
