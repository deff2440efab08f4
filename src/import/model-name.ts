/**
 * Provider prefixes of LiteLLM-style model names ("openrouter/anthropic/claude-3.5-sonnet",
 * "anthropic/claude-3-5-sonnet-20241022") that aider, SWE-agent and OpenHands pass to LiteLLM.
 */
const PROVIDER_PREFIXES = new Set([
  'anthropic',
  'azure',
  'bedrock',
  'deepseek',
  'fireworks_ai',
  'gemini',
  'groq',
  'mistral',
  'openai',
  'openrouter',
  'together_ai',
  'vertex_ai',
  'xai',
]);

/** The provider and model a price lookup needs: a known LiteLLM prefix split off, else no provider and the name as given. */
export function splitModelName(name: string): { readonly provider: string | null; readonly model: string } {
  const slash = name.indexOf('/');
  if (slash > 0 && PROVIDER_PREFIXES.has(name.slice(0, slash)) && slash < name.length - 1)
    return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
  return { provider: null, model: name };
}
