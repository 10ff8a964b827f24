/**
 * Rate limits raised for end-to-end tests that register or sign in many users from one address (127.0.0.1);
 * the limits themselves are proven by command-api/test/rate-limits.test.ts and the bad-input e2e test.
 */
export const relaxedRateLimits: Readonly<Record<string, string>> = {
  COMMAND_API_REGISTER_PER_ADDRESS: '100000/1',
  COMMAND_API_LOGIN_PER_ADDRESS: '100000/1',
  COMMAND_API_REFRESH_PER_ADDRESS: '100000/1',
  COMMAND_API_ROOMS_PER_USER: '100000/1',
};
