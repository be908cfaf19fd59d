import { describe, expect, it } from 'vitest';
import { applyLocalSettingDefaults } from '../../local/settings.ts';
import { DEPLOY_SETTINGS, netsuiteReflectLagMinutes } from '../../shared/platform/config.ts';

describe('OMS_NETSUITE_REFLECT_LAG_MINUTES', () => {
  it('is 45 minutes unless set, a number of minutes ≥ 0 when set', () => {
    expect(netsuiteReflectLagMinutes({})).toBe(45);
    expect(netsuiteReflectLagMinutes({ OMS_NETSUITE_REFLECT_LAG_MINUTES: ' 0 ' })).toBe(0);
    expect(netsuiteReflectLagMinutes({ OMS_NETSUITE_REFLECT_LAG_MINUTES: '90' })).toBe(90);
    expect(() => netsuiteReflectLagMinutes({ OMS_NETSUITE_REFLECT_LAG_MINUTES: '-1' })).toThrow(
      /OMS_NETSUITE_REFLECT_LAG_MINUTES must be a number of minutes ≥ 0, not "-1"/,
    );
    expect(() => netsuiteReflectLagMinutes({ OMS_NETSUITE_REFLECT_LAG_MINUTES: 'soon' })).toThrow(
      /OMS_NETSUITE_REFLECT_LAG_MINUTES/,
    );
  });

  it('is deployed like every business setting, and 0 on the local cloud unless set', () => {
    expect(DEPLOY_SETTINGS).toContain('OMS_NETSUITE_REFLECT_LAG_MINUTES');
    const env: NodeJS.ProcessEnv = {};
    applyLocalSettingDefaults(env);
    expect(netsuiteReflectLagMinutes(env)).toBe(0);
    const set: NodeJS.ProcessEnv = { OMS_NETSUITE_REFLECT_LAG_MINUTES: '5' };
    applyLocalSettingDefaults(set);
    expect(netsuiteReflectLagMinutes(set)).toBe(5);
  });
});
